import { createHash } from "node:crypto";
import type { TelegramCredentials } from "../channels/telegram/credentials";
import { safeEqual } from "../crypto/compare";
import { env } from "../env.js";
import { logger } from "../log";
import { processStoredEvents } from "../services/events/process-inbound-event";
import { webhookChannel } from "../ingest/channel-cache";
import { accountStream, telegramOrder } from "../ingest/order-keys";
import { TELEGRAM_KEY_REUSE_AFTER_MS, jsonResponse, problem, storageUnavailable, storeInboundEvent } from "../ingest/store-event";
import { parseJson, readBody, type WebhookOutcome, type WebhookRequest } from "./read-body";
import { countedWebhook } from "../metrics/registry";

export const TELEGRAM_SECRET_HEADER = "x-telegram-bot-api-secret-token";

/**
 * The Update's kind: its one field besides update_id (a name made of letters and underscores). Fields that are
 * `null` are absent: Telegram.Bot writes every optional field of an Update.
 */
function updateKind(payload: Record<string, unknown>): string {
  const key = Object.keys(payload).find((k) => k !== "update_id" && payload[k] != null);
  return key === undefined ? "empty" : /^[a-z_]{1,64}$/.test(key) ? key : "unknown";
}

/**
 * Bot id + update_id. An update_id beyond 2^53 has lost digits in any JSON parser, so two different updates could
 * share it: the body's hash keys such an update instead (a redelivery is the same bytes).
 */
export function telegramDedupeKey(botId: string, updateId: number, raw: Buffer): string {
  return Number.isSafeInteger(updateId) ? `${botId}:${updateId}` : `${botId}:body:${createHash("sha256").update(raw).digest("hex")}`;
}

/**
 * Telegram Bot API webhook for one channel: find the channel → check the secret header (constant time)
 * → read at most WEBHOOK_MAX_BODY_BYTES → parse → store the raw Update (deduped on bot id + update_id;
 * a key older than a week is reused, since Telegram restarts update_id after a week of silence)
 * → acknowledge. The ingest worker processes it after the acknowledgement, in update_id order per chat.
 */
export function handleTelegramWebhook(channelId: string, request: WebhookRequest): Promise<WebhookOutcome> {
  // Every answer is counted for /api/metrics, by provider and status (server/metrics).
  return countedWebhook("telegram", () => answerTelegramWebhook(channelId, request));
}

async function answerTelegramWebhook(channelId: string, request: WebhookRequest): Promise<WebhookOutcome> {
  let found;
  try {
    found = await webhookChannel<TelegramCredentials>(channelId, "telegram");
    const presented = request.headers.get(TELEGRAM_SECRET_HEADER);
    // A cached entry that does not match may predate a new secret: ask the database before refusing.
    if (found?.cached && (!presented || !safeEqual(presented, found.credentials.webhookSecret))) found = await webhookChannel<TelegramCredentials>(channelId, "telegram", { fresh: true });
  } catch (error) {
    logger.error("webhook.channel_lookup_failed", { provider: "telegram", error });
    return { response: storageUnavailable() };
  }
  if (!found) return { response: problem(404, "unknown channel") };
  const { channel, credentials } = found;

  const presented = request.headers.get(TELEGRAM_SECRET_HEADER);
  if (!presented || !safeEqual(presented, credentials.webhookSecret)) {
    logger.warn("webhook.rejected", { provider: "telegram", channelId, reason: presented ? "wrong secret" : "missing secret" });
    return { response: problem(401, "secret token is wrong") };
  }

  const body = await readBody(request, env().WEBHOOK_MAX_BODY_BYTES);
  if (!body.ok) return { response: body.response };
  const parsed = parseJson(body.raw);
  if (!parsed.ok) return { response: parsed.response };
  const payload = parsed.payload;
  const updateId = (payload as { update_id?: unknown } | null)?.update_id;
  if (typeof payload !== "object" || payload === null || Array.isArray(payload) || typeof updateId !== "number" || !Number.isInteger(updateId)) {
    return { response: problem(400, "an Update must be a JSON object with an integer update_id") };
  }
  const eventType = updateKind(payload as Record<string, unknown>);
  const dedupeKey = telegramDedupeKey(channel.externalId, updateId, body.raw);
  // Beyond 2^53 the update_id is not exact, so it can be neither the order nor a safe key for the worker: the
  // signed body is still kept (failed, with the reason), never lost to a 400 the sender would not understand.
  const absurd = !Number.isSafeInteger(updateId);
  const event = absurd
    ? { dedupeKey, eventType, payload, raw: body.raw, order: { orderKey: accountStream(channel.id), sequence: null }, failed: { reason: "unsupported_shape", note: "unsupported shape: update_id is beyond 2^53; kept, not processed" } }
    : { dedupeKey, eventType, payload, raw: body.raw, order: telegramOrder(channel.id, payload) };
  const stored = await storeInboundEvent(channel, event, absurd ? {} : { reuseKeyAfterMs: TELEGRAM_KEY_REUSE_AFTER_MS });
  if (!stored.ok) return { response: stored.response };
  // A redelivery (same update_id) is acknowledged and not processed again.
  const id = stored.id;
  const callbackId = (payload as { callback_query?: { id?: unknown } | null }).callback_query?.id;
  // A button press must be answered or the customer's client keeps spinning; the webhook reply carries
  // answerCallbackQuery without another round trip (Bot API "Making requests when getting updates").
  const reply = typeof callbackId === "string" && callbackId.length <= 256 ? { method: "answerCallbackQuery", callback_query_id: callbackId } : { ok: true, duplicate: !id };
  return { response: jsonResponse(200, reply), after: id && stored.status === "received" ? () => processStoredEvents([id]) : undefined };
}
