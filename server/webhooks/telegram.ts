import { eq, sql } from "drizzle-orm";
import { db } from "../../db";
import { channels, inboundEvents } from "../../db/schema";
import type { TelegramCredentials } from "../channels/telegram/adapter";
import { safeEqual } from "../crypto/compare";
import { open } from "../crypto/secret-box";
import { env } from "../env.js";
import { logger } from "../log";
import { processInboundEvent } from "../services/events/process-inbound-event";
import { BodyTooLargeError, jsonResponse, problem, readLimitedBody, type WebhookOutcome } from "./read-body";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const TELEGRAM_SECRET_HEADER = "x-telegram-bot-api-secret-token";

/**
 * Telegram Bot API webhook for one channel: find the channel → check the secret header (constant time)
 * → read at most WEBHOOK_MAX_BODY_BYTES → parse → store the raw Update (deduped on bot id + update_id)
 * → acknowledge. Processing runs after the acknowledgement. Only a failure to store answers 5xx, so
 * Telegram retries exactly when we have not kept the update.
 */
export async function handleTelegramWebhook(channelId: string, request: Request): Promise<WebhookOutcome> {
  if (!UUID.test(channelId)) return { response: problem(404, "unknown channel") };
  const [channel] = await db.select().from(channels).where(eq(channels.id, channelId)).limit(1);
  if (!channel || channel.provider !== "telegram") return { response: problem(404, "unknown channel") };

  const presented = request.headers.get(TELEGRAM_SECRET_HEADER);
  const { webhookSecret } = open<TelegramCredentials>(channel.credentials);
  if (!presented || !safeEqual(presented, webhookSecret)) {
    logger.warn("webhook.rejected", { provider: "telegram", channelId, reason: presented ? "wrong secret" : "missing secret" });
    return { response: problem(401, "secret token is wrong") };
  }

  let raw: Buffer;
  try {
    raw = await readLimitedBody(request, env().WEBHOOK_MAX_BODY_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLargeError) return { response: problem(413, error.message) };
    return { response: problem(400, "could not read the request body") };
  }
  let payload: unknown;
  try {
    payload = JSON.parse(raw.toString("utf8"));
  } catch (error) {
    return { response: problem(400, `malformed JSON: ${error instanceof Error ? error.message : "parse error"}`) };
  }
  const updateId = (payload as { update_id?: unknown } | null)?.update_id;
  if (typeof payload !== "object" || payload === null || Array.isArray(payload) || typeof updateId !== "number" || !Number.isInteger(updateId)) {
    return { response: problem(400, "an Update must be a JSON object with an integer update_id") };
  }
  const eventType = Object.keys(payload).find((k) => k !== "update_id") ?? "empty";

  let storedId: string | undefined;
  try {
    const [stored] = await db
      .insert(inboundEvents)
      .values({ provider: "telegram", companyId: channel.companyId, channelId: channel.id, dedupeKey: `${channel.externalId}:${updateId}`, eventType, payload })
      .onConflictDoNothing({ target: [inboundEvents.provider, inboundEvents.dedupeKey] })
      .returning({ id: inboundEvents.id });
    storedId = stored?.id;
    await db.update(channels).set({ lastWebhookAt: sql`now()` }).where(eq(channels.id, channel.id));
  } catch (error) {
    logger.error("webhook.store_failed", { provider: "telegram", channelId, error: error instanceof Error ? error.message : String(error) });
    return { response: problem(503, "could not store the update; retry later") };
  }
  // A redelivery (same update_id) is acknowledged and not processed again.
  const id = storedId;
  const callbackId = (payload as { callback_query?: { id?: unknown } }).callback_query?.id;
  // A button press must be answered or the customer's client keeps spinning; the webhook reply carries
  // answerCallbackQuery without another round trip (Bot API "Making requests when getting updates").
  const body = typeof callbackId === "string" ? { method: "answerCallbackQuery", callback_query_id: callbackId } : { ok: true, duplicate: !id };
  return { response: jsonResponse(200, body), after: id ? () => processInboundEvent(id) : undefined };
}
