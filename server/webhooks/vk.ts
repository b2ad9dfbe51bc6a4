import { db } from "../../db";
import type { VkCredentials } from "../channels/vk/credentials";
import { vkDedupeKey } from "../channels/vk/parse";
import { safeEqual } from "../crypto/compare";
import { env } from "../env.js";
import { logger } from "../log";
import { settleVkConfirmation } from "../services/channels/record-vk-confirmation";
import { processStoredEvents } from "../services/events/process-inbound-event";
import { webhookChannel } from "../ingest/channel-cache";
import { vkOrder } from "../ingest/order-keys";
import { problem, storageUnavailable, storeInboundEvent } from "../ingest/store-event";
import { parseJson, readBody, type WebhookOutcome, type WebhookRequest } from "./read-body";
import { countedWebhook } from "../metrics/registry";

export const VK_RETRY_HEADER = "x-retry-counter";

/** VK reads the body as plain text: the confirmation string or "ok", never JSON (which would add quotes). */
const text = (body: string) => new Response(body, { status: 200, headers: { "content-type": "text/plain; charset=utf-8" } });

/**
 * VK Callback API endpoint for one community: find the channel → read at most WEBHOOK_MAX_BODY_BYTES →
 * decode → check the `secret` field (constant time; VK puts it in the body, not a header) → check the
 * community → answer `confirmation` with the stored code, or store the raw notification (deduped on
 * group id + event_id) and answer "ok". Processing runs after the answer. Only a failure to store
 * answers 5xx, so VK retries (X-Retry-Counter) exactly when we have not kept the event.
 * Never answers "remove" or "version …": VK would delete the server or change its API version.
 */
export function handleVkWebhook(channelId: string, request: WebhookRequest): Promise<WebhookOutcome> {
  // Every answer is counted for /api/metrics, by provider and status (server/metrics).
  return countedWebhook("vk", () => answerVkWebhook(channelId, request));
}

async function answerVkWebhook(channelId: string, request: WebhookRequest): Promise<WebhookOutcome> {
  let found;
  try {
    found = await webhookChannel<VkCredentials>(channelId, "vk");
  } catch (error) {
    logger.error("webhook.channel_lookup_failed", { provider: "vk", error });
    return { response: storageUnavailable() };
  }
  if (!found) return { response: problem(404, "unknown channel") };

  const read = await readBody(request, env().WEBHOOK_MAX_BODY_BYTES);
  if (!read.ok) return { response: read.response };
  const parsed = parseJson(read.raw);
  if (!parsed.ok) return { response: parsed.response };
  const payload = parsed.payload;
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
    return { response: problem(400, "a Callback API notification must be a JSON object") };
  }
  const body = payload as Record<string, unknown>;
  const type = typeof body.type === "string" && body.type ? body.type : undefined;

  // The secret comes before anything else the body claims. Without a configured secret only the
  // confirmation handshake is answered: events would otherwise be accepted from anyone who knows the URL.
  const presented = typeof body.secret === "string" ? body.secret : undefined;
  const matches = (expected: string | undefined) => (expected ? presented !== undefined && safeEqual(presented, expected) : type === "confirmation");
  // A cached entry that does not match (or a confirmation, which needs the current code) is read afresh.
  if (found.cached && (type === "confirmation" || !matches(found.credentials.secret))) {
    try {
      found = await webhookChannel<VkCredentials>(channelId, "vk", { fresh: true });
    } catch (error) {
      logger.error("webhook.channel_lookup_failed", { provider: "vk", error });
      return { response: storageUnavailable() };
    }
    if (!found) return { response: problem(404, "unknown channel") };
  }
  const { channel } = found;
  const expected = found.credentials.secret;
  const secretOk = matches(expected);
  if (!secretOk) {
    logger.warn("webhook.rejected", { provider: "vk", channelId, reason: !expected ? "no secret configured" : presented === undefined ? "missing secret" : "wrong secret" });
    return { response: problem(401, "secret is wrong") };
  }
  if (typeof body.group_id !== "number" || String(body.group_id) !== channel.externalId) {
    logger.warn("webhook.rejected", { provider: "vk", channelId, reason: "group_id mismatch" });
    return { response: problem(400, "group_id does not belong to this channel") };
  }
  if (!type) return { response: problem(400, "type must be a non-empty string") };

  if (type === "confirmation") {
    const code = channel.settings.vkConfirmationCode;
    if (!code) {
      logger.warn("webhook.confirmation_unconfigured", { provider: "vk", channelId });
      return { response: problem(404, "no confirmation code is configured for this channel") };
    }
    // Confirmed only once VK accepted the answer: a wrong string is said in words, never shown as "confirmed".
    const accessToken = found.credentials.accessToken;
    return { response: text(code), settle: () => settleVkConfirmation(db, channel, accessToken) };
  }

  const eventId = body.event_id;
  if (typeof eventId !== "string" || !eventId || eventId.length > 200) return { response: problem(400, "event_id must be a non-empty string") };
  const retryCounter = request.headers.get(VK_RETRY_HEADER);
  if (retryCounter) logger.info("webhook.redelivery", { provider: "vk", channelId, retryCounter: retryCounter.slice(0, 16) });

  // Stored as received, minus the shared secret: it is a credential and stays sealed in channels.credentials
  // only. The raw bytes (kept when the JSON cannot go into jsonb) have it masked where it appears.
  const stored = { ...body };
  delete stored.secret;
  const raw = Buffer.from(read.raw.toString("utf8").split(JSON.stringify(presented)).join('"[secret]"'), "utf8");
  const eventType = /^[a-z_]{1,64}$/.test(type) ? type : "unknown";
  const saved = await storeInboundEvent(channel, { dedupeKey: vkDedupeKey(channel.externalId, eventId), eventType, payload: stored, raw, order: vkOrder(channel.id, stored) });
  if (!saved.ok) return { response: saved.response };
  // A redelivery (same event_id) is acknowledged and not processed again.
  const id = saved.id;
  return { response: text("ok"), after: id && saved.status === "received" ? () => processStoredEvents([id]) : undefined };
}
