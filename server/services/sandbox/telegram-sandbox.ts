import { createHash } from "node:crypto";
import { and, eq, isNull, ne } from "drizzle-orm";
import { channels, contacts } from "../../../db/schema";
import type { TelegramCredentials } from "../../channels/telegram/credentials";
import { open } from "../../crypto/secret-box";
import { env } from "../../env.js";
import { DomainError, notFound } from "../../errors";
import type { ServiceContext } from "../context";

/** The sandbox exists only when the dev launcher started the loopback Telegram fake. */
function sandboxUrl(): string {
  const url = env().SANDBOX_TELEGRAM_URL;
  if (!url) throw new DomainError("not_found", "errors.notFound", "the sandbox is not running");
  return url;
}

export const sandboxEnabled = () => Boolean(env().SANDBOX_TELEGRAM_URL);

/** A stable private chat id per customer name, so the same name continues the same conversation. */
function chatIdFor(name: string): number {
  return 100_000_000 + (createHash("sha256").update(name).digest().readUInt32BE(0) % 800_000_000);
}

/** The chat of the customer this bot already knows under that name (Ivan Petrov of the demo), else a stable new one. */
async function chatIdOf(ctx: ServiceContext, channelId: string, name: string): Promise<number> {
  const known = await ctx.db
    .select({ externalId: contacts.externalId })
    .from(contacts)
    .where(and(eq(contacts.companyId, ctx.companyId), eq(contacts.channelId, channelId), eq(contacts.displayName, name.trim()), isNull(contacts.bannedAt)));
  const id = known.map((c) => Number(c.externalId)).find((n) => Number.isSafeInteger(n) && n > 0);
  return id ?? chatIdFor(name);
}

async function companyTelegramChannels(ctx: ServiceContext) {
  return ctx.db
    .select()
    .from(channels)
    .where(and(eq(channels.companyId, ctx.companyId), eq(channels.provider, "telegram")));
}

export async function listSandboxChannels({ ctx }: { ctx: ServiceContext }) {
  sandboxUrl();
  // Working bots first, so the form starts on one whose replies actually go out.
  return (await companyTelegramChannels(ctx))
    .map((c) => ({ id: c.id, name: c.name, status: c.status }))
    .sort((a, b) => Number(b.status === "active") - Number(a.status === "active") || a.name.localeCompare(b.name));
}

export type SandboxDelivery = "delivered" | "queued" | "elsewhere";

async function fakeControl<T>(path: string, body: unknown): Promise<T> {
  const res = await fetch(`${sandboxUrl()}/__fake/${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (!res.ok) throw new DomainError("unavailable", "errors.generic", `the Telegram fake answered ${res.status}`);
  return (await res.json()) as T;
}

/**
 * Writes as a customer: builds a Bot API Update and hands it to the Telegram fake, which posts it to the bot's
 * webhook with its secret like Telegram — so the message takes exactly the production path (verify → store →
 * process → live inbox) — or keeps it queued while the bot's webhook is gone or its token revoked, and delivers
 * the queue once the bot is reconnected.
 */
export async function sendAsTelegramCustomer({ ctx, input }: { ctx: ServiceContext; input: { channelId: string; name: string; text: string } }): Promise<SandboxDelivery> {
  sandboxUrl();
  const [channel] = (await companyTelegramChannels(ctx)).filter((c) => c.id === input.channelId);
  if (!channel) throw notFound("channel");
  const { botToken } = open<TelegramCredentials>(channel.credentials);
  const [first, ...rest] = input.name.trim().split(/\s+/);
  const from = { id: await chatIdOf(ctx, channel.id, input.name), first_name: first ?? input.name, ...(rest.length ? { last_name: rest.join(" ") } : {}) };
  // The fake numbers the Update as Telegram does — in the order messages are written — and delivers it.
  const { outcome } = await fakeControl<{ outcome: SandboxDelivery }>("write", { botId: botToken.split(":")[0], from, text: input.text });
  return outcome;
}

export type SandboxBot = {
  id: string;
  firstName: string;
  username: string;
  /** The bot's working token, as BotFather shows it (the sandbox's own fake bots: never a real token). */
  token: string | null;
  /** The company's channel for this bot, and whether it holds an older token than this one (revoked). */
  channel: { id: string; name: string; status: string; tokenIsOld: boolean } | null;
};

/**
 * The sandbox's BotFather: every bot the Telegram fake knows — the company's, and new ones made here — with its
 * name and the token that works now. A revoked bot shows its new token beside the channel that needs it.
 * Admins only (tokens are shown).
 */
export async function listSandboxBots({ ctx }: { ctx: ServiceContext }): Promise<SandboxBot[]> {
  const url = sandboxUrl();
  const res = await fetch(`${url}/__fake/bots`);
  if (!res.ok) throw new DomainError("unavailable", "errors.generic", `the Telegram fake answered ${res.status}`);
  const { bots } = (await res.json()) as { bots: { id: string; firstName: string; username: string; token: string | null }[] };
  const ours = new Map((await companyTelegramChannels(ctx)).map((c) => [open<TelegramCredentials>(c.credentials).botToken, c] as const));
  const byBot = new Map([...ours].map(([token, c]) => [token.split(":")[0]!, { token, c }] as const));
  // Another company's bot (a second company on this machine) is not shown: a bot is shown to the company that
  // has it, or to every admin while it is nobody's yet (made here, not connected).
  const others = await ctx.db
    .select({ credentials: channels.credentials })
    .from(channels)
    .where(and(ne(channels.companyId, ctx.companyId), eq(channels.provider, "telegram")));
  const elsewhere = new Set(others.map((c) => open<TelegramCredentials>(c.credentials).botToken.split(":")[0]!));
  return bots
    .map((b): SandboxBot => {
      const mine = byBot.get(b.id);
      return {
        ...b,
        channel: mine ? { id: mine.c.id, name: mine.c.name, status: mine.c.status, tokenIsOld: b.token !== null && b.token !== mine.token } : null,
      };
    })
    .filter((b) => b.channel !== null || !elsewhere.has(b.id))
    .sort((a, b) => Number(b.channel !== null) - Number(a.channel !== null) || a.username.localeCompare(b.username));
}

/** BotFather's /newbot: a new sandbox bot with a name of its own, and its token to paste in "Connect a bot". */
export async function createSandboxBot({ ctx }: { ctx: ServiceContext }): Promise<{ firstName: string; username: string; token: string }> {
  void ctx;
  const { bot } = await fakeControl<{ bot: { firstName: string; username: string; token: string } }>("bots/new", {});
  return { firstName: bot.firstName, username: bot.username, token: bot.token };
}

/**
 * Breaks a bot the way it happens for real, so loss → email → red dot → Reconnect can be walked offline:
 * "revoke" is BotFather's "Revoke current token" (the new token is shown, as BotFather shows it, to paste in
 * Reconnect); "take_webhook" is another program calling setWebhook for the bot (F5).
 */
export async function breakSandboxBot({ ctx, input }: { ctx: ServiceContext; input: { channelId: string; how: "revoke" | "take_webhook" } }): Promise<{ newToken?: string }> {
  sandboxUrl();
  const [channel] = (await companyTelegramChannels(ctx)).filter((c) => c.id === input.channelId);
  if (!channel) throw notFound("channel");
  const { botToken } = open<TelegramCredentials>(channel.credentials);
  if (input.how === "revoke") return { newToken: (await fakeControl<{ newToken: string }>("revoke", { token: botToken })).newToken };
  await fakeControl("take-webhook", { token: botToken });
  return {};
}

/** What the company's bots sent to customers, as the Telegram fake recorded it (newest first). */
export async function sandboxOutbox({ ctx }: { ctx: ServiceContext }) {
  const url = sandboxUrl();
  const bots = new Map((await companyTelegramChannels(ctx)).map((c) => [open<TelegramCredentials>(c.credentials).botToken, c.name]));
  const res = await fetch(`${url}/__fake/calls`);
  const calls = (await res.json()) as { token: string; method: string; params: Record<string, unknown>; at: number }[];
  return calls
    .filter((c) => bots.has(c.token) && c.method.startsWith("send"))
    .map((c) => ({
      channel: bots.get(c.token)!,
      chatId: String(c.params.chat_id ?? ""),
      text: typeof c.params.text === "string" ? c.params.text : typeof c.params.caption === "string" ? c.params.caption : "",
      method: c.method,
      at: new Date(c.at),
    }))
    .reverse()
    .slice(0, 50);
}
