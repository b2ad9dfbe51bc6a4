import { randomBytes, randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Database } from "../../../db";
import { channels, companies } from "../../../db/schema";
import { TelegramApiError } from "../../channels/telegram/api";
import { deleteTelegramWebhook, getTelegramWebhookInfo, setTelegramWebhook } from "../../channels/telegram/webhook";
import { seal } from "../../crypto/secret-box";
import { DomainError } from "../../errors";
import { logger } from "../../log";
import type { ServiceContext } from "../context";
import { actorUserId, announceChannel, findCompanyLine, isUniqueViolation, recordChannelHistory, webhookUrlFor } from "./channel-records";
import { assertBotMayConnect, assertLineHasNoBot, botForToken, createLineInline, foreignWebhookHost, type LineChoice } from "./telegram-connection-rules";

/** `takeOver`: the admin confirmed taking the bot's updates from the program its webhook points to now. */
export type ConnectTelegramInput = { token: string; line: LineChoice; takeOver?: boolean };

/**
 * Connects a bot by its BotFather token to a line (F6, seed 001): getMe → the rules (limit, one bot per line,
 * one line per bot, once across companies) → setWebhook with a fresh secret_token, the update types we handle
 * and a deliberate max_connections → getWebhookInfo shows our URL → the channel is stored active with the token
 * sealed; a webhook of another program is taken over only when the admin confirmed it. The bot's customers are grouped as "Telegram: <bot name>" (settings.botName). The token is never
 * returned, logged or put in an error.
 */
export async function connectTelegramBot({ ctx, input }: { ctx: ServiceContext & { db: Database }; input: ConnectTelegramInput }) {
  const token = input.token.trim();
  const bot = await botForToken(token);
  const botId = String(bot.id);
  await assertBotMayConnect(ctx.db, ctx.companyId, botId);
  if (input.line.kind === "existing") {
    await findCompanyLine(ctx.db, ctx.companyId, input.line.lineId);
    await assertLineHasNoBot(ctx.db, input.line.lineId);
  }

  // Another program receives this bot's updates: taken from it only when the admin said so, knowing what it stops.
  if (!input.takeOver && (await foreignWebhookHost(token))) throw new DomainError("conflict", "channelsAdmin.error.telegramWebhookElsewhere");

  const channelId = randomUUID();
  const webhookSecret = randomBytes(32).toString("base64url");
  const webhookUrl = webhookUrlFor("telegram", channelId);
  try {
    await setTelegramWebhook(token, webhookUrl, webhookSecret);
  } catch (error) {
    if (!(error instanceof TelegramApiError)) throw error;
    if (error.providerError.httpStatus === 401) throw new DomainError("precondition_failed", "channelsAdmin.error.telegramTokenRevoked");
    logger.warn("channels.telegram_set_webhook_refused", { companyId: ctx.companyId, botId, code: error.providerError.code ?? null });
    throw new DomainError("precondition_failed", error.providerError.httpStatus ? "channelsAdmin.error.telegramWebhookRefused" : "channelsAdmin.error.telegramUnreachable");
  }
  let info;
  try {
    info = await getTelegramWebhookInfo(token);
  } catch {
    info = undefined;
  }
  if (info?.url !== webhookUrl) {
    await deleteOurWebhook(token, ctx.companyId, botId);
    throw new DomainError("precondition_failed", "channelsAdmin.error.telegramWebhookNotVerified");
  }

  const now = new Date();
  let created: typeof channels.$inferSelect;
  try {
    created = await ctx.db.transaction(async (tx) => {
      // One connect at a time per company, so two at once cannot both pass the limit.
      await tx.select({ id: companies.id }).from(companies).where(eq(companies.id, ctx.companyId)).for("update");
      await assertBotMayConnect(tx, ctx.companyId, botId);
      const line = input.line.kind === "existing" ? await findCompanyLine(tx, ctx.companyId, input.line.lineId) : await createLineInline(tx, ctx.companyId, input.line.name);
      await assertLineHasNoBot(tx, line.id);
      const [channel] = await tx
        .insert(channels)
        .values({
          id: channelId,
          companyId: ctx.companyId,
          lineId: line.id,
          provider: "telegram",
          name: bot.first_name,
          externalId: botId,
          status: "active",
          statusSince: now,
          connectedAt: now,
          credentials: seal({ botToken: token, webhookSecret }),
          settings: { username: bot.username, botName: bot.first_name },
        })
        .returning();
      await recordChannelHistory(tx, {
        companyId: ctx.companyId,
        channelId,
        actorUserId: actorUserId(ctx),
        action: "connected",
        detail: { line: line.name, username: bot.username, lineCreated: input.line.kind === "new" },
      });
      return channel!;
    });
  } catch (error) {
    const elsewhere = isUniqueViolation(error, "channels_provider_external_unique");
    // The bot is connected elsewhere after all (a race): its webhook is theirs now, leave it alone.
    if (!elsewhere) await deleteOurWebhook(token, ctx.companyId, botId);
    if (elsewhere) throw new DomainError("conflict", "channelsAdmin.error.telegramBotElsewhere");
    if (isUniqueViolation(error, "channels_line_telegram_unique")) throw new DomainError("conflict", "channelsAdmin.error.telegramLineTaken");
    if (isUniqueViolation(error, "lines_company_name_unique")) throw new DomainError("conflict", "channelsAdmin.error.lineNameTaken");
    throw error;
  }
  logger.info("channels.connected", { companyId: ctx.companyId, channelId, provider: "telegram", botId });
  await announceChannel(ctx.companyId, created);
  return { channelId: created.id, name: created.name, username: bot.username };
}

async function deleteOurWebhook(token: string, companyId: string, botId: string) {
  try {
    await deleteTelegramWebhook(token);
  } catch (error) {
    logger.warn("channels.telegram_delete_webhook_failed", { companyId, botId, code: error instanceof TelegramApiError ? (error.providerError.code ?? null) : null });
  }
}
