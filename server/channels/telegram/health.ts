import type { ProviderError } from "../../../db/schema";
import type { ChannelAdapter, HealthReport } from "../types";
import { callBotApi, TelegramApiError } from "./api";
import { classifyTelegramError } from "./classify";
import type { TelegramCredentials } from "./credentials";

/** getMe's User, the fields read here (https://core.telegram.org/bots/api#getme). */
type BotUser = { id: number; first_name: string; username?: string };

/** getWebhookInfo's WebhookInfo, the fields read here (https://core.telegram.org/bots/api#webhookinfo). */
type WebhookInfo = { url: string; pending_update_count: number; last_error_date?: number; last_error_message?: string };

type HealthTarget = Parameters<NonNullable<ChannelAdapter<TelegramCredentials>["probeHealth"]>>[1];

/** A delivery error newer than this (before `now`) counts as "deliveries are failing". */
export const WEBHOOK_ERROR_WINDOW_MS = 60 * 60 * 1000;

const PROBE_TIMEOUT_MS = 10_000;

/**
 * A Bot API refusal during the probe, through the send path's classifier: 401/404 on getMe is a revoked token
 * (connection_lost token_revoked). Anything that is not connection_lost — network failure, 429, 5xx — says
 * nothing about the connection itself, so it is `degraded` with the classifier's reason ("retrying").
 */
function fromRefusal(providerError: ProviderError): HealthReport {
  const classified = classifyTelegramError(providerError);
  return { status: classified.class === "connection_lost" ? "connection_lost" : "degraded", reason: classified.reason, providerError };
}

/** Only the origin of a webhook URL that is not ours: its path may hold another service's secret (or a bot token). */
function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "(not a URL)";
  }
}

/**
 * Is the bot's connection working? getMe checks the token; getWebhookInfo that Telegram still delivers to our
 * webhook (protocols/telegram-vk.md §1.5):
 * - `url` empty: the webhook was removed — deleteWebhook, 23 h of 410s, logOut, or another program now polls
 *   this bot with getUpdates (F5). connection_lost webhook_removed.
 * - `url` another address: someone called setWebhook for this bot elsewhere. connection_lost webhook_replaced.
 * - `last_error_date` within the last hour before `now`: deliveries are failing and updates pile up in
 *   Telegram's queue (degraded webhook_failing). A successful delivery does not clear `last_error_*` (only
 *   setWebhook/deleteWebhook do), so an older error is history, not a current failure.
 */
export async function probeTelegramHealth(credentials: TelegramCredentials, target: HealthTarget): Promise<HealthReport> {
  let me: BotUser;
  let info: WebhookInfo;
  try {
    me = await callBotApi<BotUser>(credentials.botToken, "getMe", {}, PROBE_TIMEOUT_MS);
    info = await callBotApi<WebhookInfo>(credentials.botToken, "getWebhookInfo", {}, PROBE_TIMEOUT_MS);
  } catch (error) {
    if (error instanceof TelegramApiError) return fromRefusal(error.providerError);
    throw error;
  }

  const pendingUpdates = typeof info.pending_update_count === "number" ? info.pending_update_count : undefined;
  if (!info.url) {
    return {
      status: "connection_lost",
      reason: "webhook_removed",
      providerError: { description: "getWebhookInfo: no webhook is set (removed, or another program uses getUpdates)" },
      pendingUpdates,
    };
  }
  if (info.url !== target.webhookUrl) {
    return {
      status: "connection_lost",
      reason: "webhook_replaced",
      providerError: { description: `getWebhookInfo: the webhook points elsewhere (${originOf(info.url)})` },
      pendingUpdates,
    };
  }
  if (typeof info.last_error_date === "number" && info.last_error_date * 1000 > target.now.getTime() - WEBHOOK_ERROR_WINDOW_MS) {
    const at = new Date(info.last_error_date * 1000).toISOString();
    return {
      status: "degraded",
      reason: "webhook_failing",
      providerError: {
        description: `${info.last_error_message ?? "webhook delivery error"} (at ${at}; pending_update_count ${pendingUpdates ?? "unknown"})`,
      },
      pendingUpdates,
    };
  }
  return {
    status: "healthy",
    account: { id: String(me.id), name: me.first_name, ...(me.username ? { username: me.username } : {}) },
    pendingUpdates,
  };
}
