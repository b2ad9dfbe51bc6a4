import { createHash, randomInt } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { channels } from "../../../db/schema";
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
  const chatId = chatIdFor(input.name);
  const [first, ...rest] = input.name.trim().split(/\s+/);
  const person = { id: chatId, first_name: first ?? input.name, ...(rest.length ? { last_name: rest.join(" ") } : {}) };
  const update = {
    update_id: randomInt(1, 2 ** 31 - 1),
    message: { message_id: randomInt(1, 2 ** 31 - 1), from: { ...person, is_bot: false }, chat: { ...person, type: "private" }, date: Math.floor(Date.now() / 1000), text: input.text },
  };
  const { outcome } = await fakeControl<{ outcome: SandboxDelivery }>("deliver", { botId: botToken.split(":")[0], update });
  return outcome;
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
