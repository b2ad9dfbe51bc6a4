/**
 * Seed 001's rules for connecting a Telegram bot, shared by the token check and the connection itself:
 * the token is checked with getMe; a company connects at most TELEGRAM_BOTS_PER_COMPANY bots; a bot serves one
 * line and is connected once across all companies; a line has at most one bot.
 */
import { and, count, eq } from "drizzle-orm";
import type { DbOrTx } from "../../../db";
import { channels, lines } from "../../../db/schema";
import { TelegramApiError } from "../../channels/telegram/api";
import { getTelegramBot, getTelegramWebhookInfo, telegramTokenShape, type TelegramBot } from "../../channels/telegram/webhook";
import { env } from "../../env.js";
import { DomainError } from "../../errors";
import { webhookUrlFor } from "./channel-records";

/** getMe through the token, every failure in words: malformed, revoked / unknown (401, 404), unreachable. */
export async function botForToken(token: string): Promise<TelegramBot & { username: string }> {
  const shape = telegramTokenShape(token);
  if (!shape) throw new DomainError("invalid", "channelsAdmin.error.telegramTokenMalformed");
  let bot: TelegramBot;
  try {
    bot = await getTelegramBot(token);
  } catch (error) {
    if (!(error instanceof TelegramApiError)) throw error;
    const status = error.providerError.httpStatus;
    if (status === 401 || status === 404) throw new DomainError("precondition_failed", "channelsAdmin.error.telegramTokenRevoked");
    if (status === 400) throw new DomainError("invalid", "channelsAdmin.error.telegramTokenMalformed");
    throw new DomainError("unavailable", "channelsAdmin.error.telegramUnreachable");
  }
  // A token is for one bot: the id before the colon is the bot's own id.
  if (String(bot.id) !== shape.botId || !bot.username) throw new DomainError("invalid", "channelsAdmin.error.telegramTokenMalformed");
  return { ...bot, username: bot.username };
}

/** Refusals that do not depend on the line: the bot is connected already (here or elsewhere), or the limit is reached. */
export async function assertBotMayConnect(db: DbOrTx, companyId: string, botId: string): Promise<void> {
  const [existing] = await db
    .select({ companyId: channels.companyId })
    .from(channels)
    .where(and(eq(channels.provider, "telegram"), eq(channels.externalId, botId)))
    .limit(1);
  if (existing) {
    // Another company's bot: say so without naming anything of theirs.
    throw new DomainError("conflict", existing.companyId === companyId ? "channelsAdmin.error.telegramBotAlreadyHere" : "channelsAdmin.error.telegramBotElsewhere");
  }
  const [{ bots } = { bots: 0 }] = await db
    .select({ bots: count() })
    .from(channels)
    .where(and(eq(channels.companyId, companyId), eq(channels.provider, "telegram")));
  if (bots >= env().TELEGRAM_BOTS_PER_COMPANY) throw new DomainError("precondition_failed", "channelsAdmin.error.telegramLimit");
}

/** A line has at most one Telegram bot. */
export async function assertLineHasNoBot(db: DbOrTx, lineId: string, exceptChannelId?: string): Promise<void> {
  const taken = await db
    .select({ id: channels.id })
    .from(channels)
    .where(and(eq(channels.lineId, lineId), eq(channels.provider, "telegram")));
  if (taken.some((c) => c.id !== exceptChannelId)) throw new DomainError("conflict", "channelsAdmin.error.telegramLineTaken");
}

/** A line created from a connect form (when every line already has a bot, or the admin wants a new one). */
export async function createLineInline(db: DbOrTx, companyId: string, name: string) {
  const trimmed = name.trim();
  if (!trimmed) throw new DomainError("invalid", "channelsAdmin.error.lineNameRequired");
  const [clash] = await db.select({ id: lines.id }).from(lines).where(and(eq(lines.companyId, companyId), eq(lines.name, trimmed)));
  if (clash) throw new DomainError("conflict", "channelsAdmin.error.lineNameTaken");
  const [line] = await db.insert(lines).values({ companyId, name: trimmed }).returning();
  return line!;
}

export type LineChoice = { kind: "existing"; lineId: string } | { kind: "new"; name: string };

/**
 * Where the bot sends its updates now, when that is another program (getWebhookInfo shows a URL that is not
 * this app's): its host only — a webhook URL may carry a secret in its path. Telegram delivers to one webhook,
 * so connecting the bot here takes its updates away from that program. Undefined when there is no webhook, it
 * is ours, or Telegram did not answer (the connect then goes on as before).
 */
export async function foreignWebhookHost(token: string): Promise<string | undefined> {
  let url: string;
  try {
    url = (await getTelegramWebhookInfo(token)).url;
  } catch {
    return undefined;
  }
  if (!url || url.startsWith(webhookUrlFor("telegram", ""))) return undefined;
  try {
    return new URL(url).host || url.slice(0, 100);
  } catch {
    return url.slice(0, 100);
  }
}
