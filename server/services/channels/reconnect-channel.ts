import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { Database } from "../../../db";
import { channels } from "../../../db/schema";
import { TelegramApiError } from "../../channels/telegram/api";
import type { TelegramCredentials } from "../../channels/telegram/credentials";
import { getTelegramBot, getTelegramWebhookInfo, setTelegramWebhook, telegramTokenShape } from "../../channels/telegram/webhook";
import { open, seal } from "../../crypto/secret-box";
import { DomainError } from "../../errors";
import { kickJobs } from "../../queue/kick-jobs";
import { logger } from "../../log";
import type { ServiceContext } from "../context";
import { actorUserId, announceChannel, findCompanyChannel, webhookUrlFor } from "./channel-records";
import { markChannelRestored } from "./mark-channel-restored";
import { reconnectVkCommunity, type ReconnectVkInput } from "./reconnect-vk-community";
import { forgetWebhookChannel } from "../../ingest/channel-cache";

export type ReconnectInput = {
  channelId: string;
  /** Telegram: a new BotFather token of the same bot, when the old one was revoked. */
  token?: string;
} & ReconnectVkInput;
export type ReconnectResult = {
  status: "active";
  reconnectedAt: Date;
  /** Updates waiting in Telegram's queue, delivered now. */
  pendingUpdates: number | null;
  /**
   * VK: the history recovery queued for what customers wrote meanwhile (F13; a durable job whose progress the
   * Details page shows). Telegram counts its queue in pendingUpdates.
   */
  recoveryId?: string;
};

const refused = (key: string) => new DomainError("precondition_failed", key);

/**
 * Settings → messenger → Details → Reconnect (F2). Telegram: the webhook is registered again with a fresh
 * secret and verified with getWebhookInfo; if the token was revoked the admin pastes a new one, accepted only
 * for the same bot (the numeric id before the colon, confirmed by getMe). Pending updates are never dropped:
 * Telegram delivers what it queued while the bot was down (up to 24 hours). On success the channel is active,
 * reconnectedAt moves, the incident is resolved, and held replies go out in order. VK: reconnect-vk-community.ts.
 */
export async function reconnectChannel({ ctx, input }: { ctx: ServiceContext & { db: Database }; input: ReconnectInput }): Promise<ReconnectResult> {
  const channel = await findCompanyChannel(ctx.db, ctx.companyId, input.channelId);
  if (channel.status === "stopped") throw refused("health.reconnect.stopped");
  if (channel.provider === "vk") return reconnectVkCommunity(ctx, channel, input);
  // Messenger and Instagram reconnect through the re-authorization wizard ("Update permissions"): a Page
  // token can only be renewed from a fresh Facebook sign-in.
  if (channel.provider === "messenger" || channel.provider === "instagram") throw refused("metaWizard.reconnect.useWizard");
  if (channel.provider !== "telegram") throw refused("health.reconnect.notSupported");

  const current = open<TelegramCredentials>(channel.credentials);
  const botId = current.botToken.split(":")[0];
  const token = input.token?.trim() || current.botToken;
  if (input.token !== undefined && !telegramTokenShape(token)) throw refused("health.reconnect.badToken");

  let bot;
  try {
    bot = await getTelegramBot(token);
  } catch (error) {
    if (error instanceof TelegramApiError && (error.providerError.httpStatus === 401 || error.providerError.httpStatus === 404)) throw refused("health.reconnect.tokenRevoked");
    throw refused("health.reconnect.unreachable");
  }
  if (String(bot.id) !== botId) {
    throw new DomainError("precondition_failed", "health.reconnect.otherBot", `token of bot ${bot.id}, expected ${botId}`);
  }

  const credentials: TelegramCredentials = { botToken: token, webhookSecret: randomBytes(32).toString("base64url") };
  const webhookUrl = webhookUrlFor("telegram", channel.id);
  let pendingUpdates: number | null = null;
  try {
    await setTelegramWebhook(token, webhookUrl, credentials.webhookSecret);
    const info = await getTelegramWebhookInfo(token);
    if (info.url !== webhookUrl) throw refused("health.reconnect.notVerified");
    pendingUpdates = typeof info.pending_update_count === "number" ? info.pending_update_count : null;
  } catch (error) {
    if (error instanceof DomainError) throw error;
    logger.warn("channels.reconnect_refused", { companyId: ctx.companyId, channelId: channel.id, code: error instanceof TelegramApiError ? (error.providerError.code ?? null) : null });
    throw refused("health.reconnect.unreachable");
  }

  const now = new Date();
  await ctx.db.transaction(async (tx) => {
    await tx
      .update(channels)
      .set({
        credentials: seal(credentials),
        settings: { ...channel.settings, ...(bot.username ? { username: bot.username } : {}), botName: bot.first_name },
        updatedAt: now,
      })
      .where(and(eq(channels.id, channel.id), eq(channels.companyId, ctx.companyId)));
    // What Telegram queued while the bot was down arrives now: the "connected again" email counts it.
    await markChannelRestored(tx, channel.id, "reconnected", { byUserId: actorUserId(ctx), now, recoveredCount: pendingUpdates });
  });
  forgetWebhookChannel(channel.id); // the webhook checks the new secret from now on
  await announceChannel(ctx.companyId, { id: channel.id, status: "active" });
  kickJobs(); // the replies that waited for this reconnect
  return { status: "active", reconnectedAt: now, pendingUpdates };
}
