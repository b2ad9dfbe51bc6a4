import { createHash } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { channels, contacts, conversations } from "../../../db/schema";
import { env } from "../../env.js";
import { DomainError, notFound } from "../../errors";
import { webhookUrlFor } from "../channels/channel-records";
import type { ServiceContext } from "../context";

/** The demo's other Messenger app, the one that owns the bot-handled thread (F10): shows up in handover diagnostics. */
export const SANDBOX_BOT_APP = { id: "730000000000001", name: "Acme Shop Bot" };

/** The Messenger sandbox exists only when the dev launcher started the Meta fake (no Meta app configured). */
function metaSandboxUrl(): string {
  const url = env().SANDBOX_META_URL;
  if (!url) throw new DomainError("not_found", "errors.notFound", "the Meta sandbox is not running");
  return url;
}

export const messengerSandboxEnabled = () => Boolean(env().SANDBOX_META_URL);

async function metaFake<T>(path: string, body: unknown): Promise<T> {
  const res = await fetch(`${metaSandboxUrl()}/__fake/${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (!res.ok) throw new DomainError("unavailable", "errors.generic", `the Meta fake answered ${res.status}`);
  return (await res.json()) as T;
}

async function companyPage(ctx: ServiceContext, channelId: string) {
  const [page] = await ctx.db
    .select()
    .from(channels)
    .where(and(eq(channels.companyId, ctx.companyId), eq(channels.provider, "messenger"), eq(channels.id, channelId)));
  if (!page) throw notFound("channel");
  return page;
}

/** The customer's PSID: the one this Page already knows under that name (Maria Lopez of the demo), else a stable new one. */
async function psidFor(ctx: ServiceContext, channelId: string, name: string): Promise<string> {
  const [known] = await ctx.db
    .select({ externalId: contacts.externalId })
    .from(contacts)
    .where(and(eq(contacts.companyId, ctx.companyId), eq(contacts.channelId, channelId), eq(contacts.displayName, name.trim())))
    .limit(1);
  return known?.externalId ?? `${2_000_000_000_000_000 + (createHash("sha256").update(`psid:${name.trim()}`).digest().readUInt32BE(0) % 900_000_000)}`;
}

export type SandboxPage = { id: string; name: string; status: string; threads: { name: string; handler: "humans" | "bot" }[] };

/** The company's Messenger Pages, with each customer thread and who answers it now: the team, or the Page's bot. */
export async function listSandboxPages({ ctx }: { ctx: ServiceContext }): Promise<SandboxPage[]> {
  metaSandboxUrl();
  const pages = await ctx.db
    .select()
    .from(channels)
    .where(and(eq(channels.companyId, ctx.companyId), eq(channels.provider, "messenger")));
  const threads = await ctx.db
    .select({ channelId: conversations.channelId, name: contacts.displayName, handler: conversations.handler })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(and(eq(conversations.companyId, ctx.companyId)));
  return pages.map((p) => ({
    id: p.id,
    name: p.name,
    status: p.status,
    threads: threads.filter((t) => t.channelId === p.id).map((t) => ({ name: t.name, handler: t.handler })),
  }));
}

export type MessengerSandboxDelivery = "delivered" | "not_delivered";

/**
 * Writes as a Messenger customer: Meta posts the signed webhook to the app — under `standby` while the Page's bot
 * owns the thread (the team sees it, the bot answers), under `messaging` once the thread is ours.
 */
export async function sendAsMessengerCustomer({ ctx, input }: { ctx: ServiceContext; input: { channelId: string; name: string; text: string } }): Promise<MessengerSandboxDelivery> {
  const page = await companyPage(ctx, input.channelId);
  const psid = await psidFor(ctx, page.id, input.name);
  const { outcome } = await metaFake<{ outcome: MessengerSandboxDelivery }>("messenger/write", { pageId: page.externalId, psid, name: input.name.trim(), text: input.text, webhookUrl: webhookUrlFor("messenger", page.id) });
  return outcome;
}

/**
 * The Page's bot app and the thread (Handover Protocol / Conversation Routing): "us" — the bot passes the thread to
 * the inbox (the customer asked for a person: the bot is off, the team answers); "bot" — the bot takes it back.
 */
export async function sandboxHandover({ ctx, input }: { ctx: ServiceContext; input: { channelId: string; name: string; to: "us" | "bot" } }): Promise<MessengerSandboxDelivery> {
  const page = await companyPage(ctx, input.channelId);
  const psid = await psidFor(ctx, page.id, input.name);
  const { outcome } = await metaFake<{ outcome: MessengerSandboxDelivery }>("messenger/handover", {
    pageId: page.externalId,
    psid,
    to: input.to,
    botAppId: SANDBOX_BOT_APP.id,
    webhookUrl: webhookUrlFor("messenger", page.id),
  });
  return outcome;
}
