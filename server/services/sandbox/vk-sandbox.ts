import { createHash } from "node:crypto";
import { and, eq, ne } from "drizzle-orm";
import { channels } from "../../../db/schema";
import type { VkCredentials } from "../../channels/vk/credentials";
import { open } from "../../crypto/secret-box";
import { env } from "../../env.js";
import { DomainError, notFound } from "../../errors";
import { webhookUrlFor } from "../channels/channel-records";
import type { ServiceContext } from "../context";

/** The VK sandbox exists only when the dev launcher started the loopback VK fake (no VK_API_BASE_URL configured). */
function vkSandboxUrl(): string {
  const url = env().SANDBOX_VK_URL;
  if (!url) throw new DomainError("not_found", "errors.notFound", "the VK sandbox is not running");
  return url;
}

export const vkSandboxEnabled = () => Boolean(env().SANDBOX_VK_URL);

async function vkFake<T>(path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${vkSandboxUrl()}/__fake/${path}`, body === undefined ? {} : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (!res.ok) throw new DomainError("unavailable", "errors.generic", `the VK fake answered ${res.status}`);
  return (await res.json()) as T;
}

type FakeCommunity = { id: number; name: string; screenName: string; token: string | null; revoked: boolean; confirmationCode: string; servers: { url: string; status: string }[] };

export type SandboxCommunity = {
  id: string;
  name: string;
  /** The community's working key, as VK shows it once created (the sandbox's own: never a real key). */
  token: string | null;
  /** "Строка, которую должен вернуть сервер" on the Callback API tab. */
  confirmationCode: string;
  channel: {
    id: string;
    name: string;
    status: string;
    statusReason: string | null;
    /** VK's view of our callback server: ok, failed, wait, or none yet. */
    server: string | null;
    /** The channel holds a key VK no longer accepts: the shown one is the new key to paste in Reconnect. */
    tokenIsOld: boolean;
  } | null;
};

async function companyVkChannels(ctx: ServiceContext) {
  return ctx.db
    .select()
    .from(channels)
    .where(and(eq(channels.companyId, ctx.companyId), eq(channels.provider, "vk")));
}

async function companyVkChannel(ctx: ServiceContext, channelId: string) {
  const [channel] = (await companyVkChannels(ctx)).filter((c) => c.id === channelId);
  if (!channel) throw notFound("channel");
  return channel;
}

/**
 * The sandbox's VK: each community with its ID, key and confirmation string (what the Callback API tab shows) and,
 * for the company's connected ones, what VK thinks of our callback server. Another company's communities are not
 * shown. Admins only (keys are shown).
 */
export async function listSandboxCommunities({ ctx }: { ctx: ServiceContext }): Promise<SandboxCommunity[]> {
  const { communities } = await vkFake<{ communities: FakeCommunity[] }>("communities");
  const ours = await companyVkChannels(ctx);
  const others = await ctx.db
    .select({ externalId: channels.externalId })
    .from(channels)
    .where(and(ne(channels.companyId, ctx.companyId), eq(channels.provider, "vk")));
  const elsewhere = new Set(others.map((c) => c.externalId));
  return communities
    .filter((c) => !elsewhere.has(String(c.id)))
    .map((c): SandboxCommunity => {
      const mine = ours.find((row) => row.externalId === String(c.id));
      const url = mine ? webhookUrlFor("vk", mine.id) : undefined;
      return {
        id: String(c.id),
        name: c.name,
        token: c.token,
        confirmationCode: c.confirmationCode,
        channel: mine
          ? {
              id: mine.id,
              name: mine.name,
              status: mine.status,
              statusReason: mine.statusReason,
              server: c.servers.find((s) => s.url === url)?.status ?? null,
              tokenIsOld: c.token !== null && c.token !== open<VkCredentials>(mine.credentials).accessToken,
            }
          : null,
      };
    })
    .sort((a, b) => Number(b.channel !== null) - Number(a.channel !== null) || a.name.localeCompare(b.name));
}

/** "Manage → API usage → Create key" in a new community: its ID, key and confirmation string, to connect it. */
export async function createSandboxCommunity({ ctx }: { ctx: ServiceContext }): Promise<{ id: string; name: string }> {
  void ctx;
  const { community } = await vkFake<{ community: { id: number; name: string } }>("community", {});
  return { id: String(community.id), name: community.name };
}

/**
 * The admin pastes our webhook address in the community's Callback API tab and presses "Confirm": VK sends its
 * confirmation request to the channel (with the secret the admin typed there), and the server turns "ok" when the
 * answer is the community's string. Also how a community VK stopped sending to is restored.
 */
export async function confirmSandboxCommunity({ ctx, input }: { ctx: ServiceContext; input: { channelId: string } }): Promise<{ server: string }> {
  const channel = await companyVkChannel(ctx, input.channelId);
  const { secret } = open<VkCredentials>(channel.credentials);
  const { status } = await vkFake<{ status: string }>("confirm", { groupId: channel.externalId, url: webhookUrlFor("vk", channel.id), secret });
  return { server: status };
}

/**
 * Breaks a community the way it happens in VK: "server_off" — VK stops sending to our callback server (it shows
 * "failed", as after repeated errors); "revoke_key" — the admin deletes the community's key (a new one is shown, to
 * paste in Reconnect).
 */
export async function breakSandboxCommunity({ ctx, input }: { ctx: ServiceContext; input: { channelId: string; how: "server_off" | "revoke_key" } }): Promise<{ newToken?: string }> {
  const channel = await companyVkChannel(ctx, input.channelId);
  if (input.how === "server_off") {
    await vkFake("server-off", { groupId: channel.externalId, url: webhookUrlFor("vk", channel.id) });
    return {};
  }
  const { accessToken } = open<VkCredentials>(channel.credentials);
  return { newToken: (await vkFake<{ newToken: string }>("revoke", { token: accessToken })).newToken };
}

/** A stable VK user id per customer name, so the same name continues the same conversation. */
function vkUserIdFor(name: string): number {
  return 100_000_000 + (createHash("sha256").update(`vk:${name}`).digest().readUInt32BE(0) % 800_000_000);
}

export type VkSandboxDelivery = "delivered" | "not_sent";

/**
 * Writes as a VK user to the community: VK posts `message_new` to the callback server (numbered in order), so the
 * message takes the production path; while no server works, VK sends nothing (the message stays in the community's
 * history, where a reconnect's history recovery finds it).
 */
export async function sendAsVkCustomer({ ctx, input }: { ctx: ServiceContext; input: { channelId: string; name: string; text: string } }): Promise<VkSandboxDelivery> {
  const channel = await companyVkChannel(ctx, input.channelId);
  const [first, ...rest] = input.name.trim().split(/\s+/);
  const from = { id: vkUserIdFor(input.name), first_name: first ?? input.name, ...(rest.length ? { last_name: rest.join(" ") } : {}) };
  const { outcome } = await vkFake<{ outcome: VkSandboxDelivery }>("write", { groupId: channel.externalId, from, text: input.text });
  return outcome;
}
