import { and, asc, eq, inArray, ne, sql } from "drizzle-orm";
import { db } from "../../../db";
import { channels, contacts, conversations, messages, outboundSends } from "../../../db/schema";
import { limitsFor, SlidingWindowLimiter } from "../../channels/rate-limit";
import { adapterFor } from "../../channels/registry";
import type { ClassifiedError } from "../../channels/types";
import { logger } from "../../log";
import { publishToCompany } from "../../realtime/publish";
import { markChannelDisconnected } from "../channels/mark-channel-disconnected";
import { settlePendingEffects } from "../events/pending-effects";
import { readFile } from "../files/store-file";

export const MAX_SEND_ATTEMPTS = 8;
const LEASE_SECONDS = 60;
const BACKOFF_CAP_SECONDS = 300;

/** Exponential backoff with a cap; a provider's own retry_after / Retry-After wins. */
export function retryDelaySeconds(attempts: number, retryAfterSeconds?: number): number {
  if (retryAfterSeconds !== undefined) return Math.min(Math.max(retryAfterSeconds, 0), 3600);
  return Math.min(2 ** Math.max(attempts - 1, 0), BACKOFF_CAP_SECONDS);
}

type Claimed = typeof outboundSends.$inferSelect;

const limiter = new SlidingWindowLimiter();

/**
 * A `sending` row whose lease expired: the worker died between the provider call and recording its answer, so
 * the message may have reached the customer. Telegram and Meta take no idempotency key, so sending it again
 * could deliver it twice: it is marked "may not have been delivered" (failed, reason maybe_delivered) and the
 * operator decides (inbox.sendAgain). VK dedupes on random_id (the send's idempotency key), so VK retries.
 */
async function markMaybeDelivered(): Promise<void> {
  const marked = await db.execute<{ id: string; conversation_id: string; company_id: string }>(sql`
    with stale as (
      update ${outboundSends} s set status = 'failed', locked_until = null, last_error_class = null, last_error = null
      from ${channels} c
      where c.id = s.channel_id and c.provider <> 'vk' and s.status = 'sending' and s.locked_until < now()
      returning s.message_id)
    update ${messages} m set delivery_status = 'failed', failure_class = null, failure_reason = 'maybe_delivered'
    from stale where m.id = stale.message_id
    returning m.id, m.conversation_id, m.company_id`);
  for (const m of marked) {
    logger.warn("send.maybe_delivered", { messageId: m.id });
    await publishToCompany(m.company_id, [{ name: "message.updated", data: { conversationId: m.conversation_id, messageId: m.id } }]);
  }
}

/**
 * Claims due sends (queued and due, or — VK only — `sending` with an expired lease after a crash) on active
 * channels. SKIP LOCKED lets several workers share the queue; a disconnected channel's sends wait for its reconnect.
 */
async function claimDueSends(limit: number): Promise<Claimed[]> {
  const rows = await db.execute<{ id: string }>(sql`
    update ${outboundSends} set status = 'sending', attempts = ${outboundSends.attempts} + 1,
      locked_until = now() + make_interval(secs => ${LEASE_SECONDS})
    where ${outboundSends.id} in (
      select s.id from ${outboundSends} s join ${channels} c on c.id = s.channel_id join ${messages} m on m.id = s.message_id
      where c.status = 'active'
        and ((s.status = 'queued' and s.next_attempt_at <= now()) or (s.status = 'sending' and s.locked_until < now() and c.provider = 'vk'))
        -- Head of line per conversation: a reply never overtakes an earlier one still waiting (paced, held
        -- for a reconnect, or retrying), so customers read replies in the order they were written.
        and not exists (
          select 1 from ${outboundSends} e join ${messages} em on em.id = e.message_id
          where em.conversation_id = m.conversation_id and e.status in ('queued', 'sending')
            and (e.created_at, e.id) < (s.created_at, s.id))
      order by s.next_attempt_at
      limit ${limit}
      for update of s skip locked)
    returning ${outboundSends.id}`);
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  // Oldest first, so that replies to one chat go out in the order they were written.
  return db.select().from(outboundSends).where(inArray(outboundSends.id, ids)).orderBy(asc(outboundSends.nextAttemptAt), asc(outboundSends.createdAt));
}

async function deliverOne(send: Claimed): Promise<void> {
  const [row] = await db
    .select({ message: messages, contact: contacts, channel: channels, lastInboundAt: conversations.lastInboundAt })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .innerJoin(channels, eq(channels.id, messages.channelId))
    .where(eq(messages.id, send.messageId));
  if (!row) return;
  const { message, contact, channel, lastInboundAt } = row;
  const limits = limitsFor(channel.provider, channel.id, contact.externalId, contact.chatKind);
  const wait = limiter.waitMs(limits);
  if (wait > 0) {
    // Not a failure: the send goes when the provider's pace allows, and the attempt is not counted.
    await db
      .update(outboundSends)
      .set({ status: "queued", lockedUntil: null, attempts: sql`${outboundSends.attempts} - 1`, nextAttemptAt: new Date(Date.now() + wait) })
      .where(eq(outboundSends.id, send.id));
    return;
  }
  limiter.record(limits);
  const resolved = adapterFor(channel);
  const result = resolved
    ? await resolved.adapter.send(
        {
          credentials: resolved.credentials,
          channelExternalId: channel.externalId,
          channelSettings: channel.settings,
          contactExternalId: contact.externalId,
          lastInboundAt,
          idempotencyKey: send.idempotencyKey,
          now: new Date(),
          loadFile: async (fileId) => readFile(db, channel.companyId, fileId),
        },
        { text: message.text, attachments: message.attachments },
      )
    : ({ ok: false, error: { class: "message_rejected", reason: "invalid_request", providerError: { description: `no adapter for ${channel.provider}` } } } as const);

  const now = new Date();
  if (result.ok) {
    await db.transaction(async (tx) => {
      // The provider's echo of this very send may have been processed first and stored as a separate
      // message (Instagram echoes carry no app id): ours is the record, so the echo's copy goes.
      const partIds = result.partMessageIds?.length ? result.partMessageIds : [result.providerMessageId];
      await tx
        .delete(messages)
        .where(and(eq(messages.channelId, channel.id), inArray(messages.providerMessageId, partIds), ne(messages.id, message.id), eq(messages.direction, "outbound")));
      await tx.update(outboundSends).set({ status: "sent", sentAt: now, lockedUntil: null, lastError: null, lastErrorClass: null }).where(eq(outboundSends.id, send.id));
      await tx
        .update(messages)
        .set({ deliveryStatus: "sent", sentAt: now, providerMessageId: result.providerMessageId, providerPartIds: partIds, failureClass: null, failureReason: null })
        .where(eq(messages.id, message.id));
      await tx.update(channels).set({ lastSendAt: now, authFailureCount: 0 }).where(eq(channels.id, channel.id));
      // Receipts (by id or watermark) that came before this answer was recorded apply now.
      // (the message.updated below covers what they change)
      await settlePendingEffects(tx, [
        { channelId: channel.id, messageId: message.id, conversationId: message.conversationId, keys: partIds, direction: "outbound", chatId: contact.externalId, sentAt: now },
      ]);
    });
  } else {
    await recordFailure(send, message.id, channel.id, contact.id, result.error);
  }
  await publishToCompany(channel.companyId, [
    { name: "message.updated", data: { conversationId: message.conversationId, messageId: message.id } },
    ...(!result.ok && result.error.class === "connection_lost" ? [{ name: "channel.status_changed" as const, data: { channelId: channel.id, status: "disconnected" } }] : []),
  ]);
}

async function recordFailure(send: Claimed, messageId: string, channelId: string, contactId: string, error: ClassifiedError) {
  const now = new Date();
  logger.warn("send.failed", { sendId: send.id, channelId, class: error.class, reason: error.reason, code: error.providerError.code ?? null, attempt: send.attempts });
  await db.transaction(async (tx) => {
    if (error.migrateToChatId) {
      await tx.update(contacts).set({ externalId: error.migrateToChatId, updatedAt: now }).where(eq(contacts.id, contactId));
    }
    if (error.class === "connection_lost") {
      // The message waits for the reconnect instead of failing: nothing a person wrote is lost.
      await markChannelDisconnected(tx, channelId, error);
      await tx.update(outboundSends).set({ status: "queued", lockedUntil: null, lastError: error.providerError, lastErrorClass: error.class, nextAttemptAt: now }).where(eq(outboundSends.id, send.id));
      await tx.update(messages).set({ failureClass: error.class, failureReason: "connection_lost" }).where(eq(messages.id, messageId));
      return;
    }
    if (error.class === "retry_later" && send.attempts < MAX_SEND_ATTEMPTS) {
      const next = new Date(now.getTime() + retryDelaySeconds(send.attempts, error.retryAfterSeconds) * 1000);
      await tx.update(outboundSends).set({ status: "queued", lockedUntil: null, lastError: error.providerError, lastErrorClass: error.class, nextAttemptAt: next }).where(eq(outboundSends.id, send.id));
      await tx.update(messages).set({ failureClass: error.class, failureReason: "retrying" }).where(eq(messages.id, messageId));
      return;
    }
    const reason = error.class === "retry_later" ? "gave_up" : error.reason;
    await tx.update(outboundSends).set({ status: "failed", lockedUntil: null, lastError: error.providerError, lastErrorClass: error.class }).where(eq(outboundSends.id, send.id));
    await tx.update(messages).set({ deliveryStatus: "failed", failureClass: error.class, failureReason: reason }).where(eq(messages.id, messageId));
  });
}

/** One pass of the send worker. Returns how many sends it handled. */
export async function deliverDueSends(limit = 20): Promise<number> {
  await markMaybeDelivered();
  const claimed = await claimDueSends(limit);
  if (claimed.length === 0) return 0;
  // Uploads can take longer than a lease: while this worker lives, it keeps renewing the leases of the
  // sends it still holds, so no other worker takes one over and sends it twice. If it dies, they expire.
  const held = new Set(claimed.map((s) => s.id));
  const heartbeat = setInterval(() => {
    void db
      .update(outboundSends)
      .set({ lockedUntil: sql`now() + make_interval(secs => ${LEASE_SECONDS})` })
      .where(and(inArray(outboundSends.id, [...held]), eq(outboundSends.status, "sending")))
      .catch((error: unknown) => logger.warn("send.lease_renewal_failed", { error }));
  }, (LEASE_SECONDS * 1000) / 3);
  heartbeat.unref?.();
  try {
    for (const send of claimed) {
      try {
        await deliverOne(send);
      } catch (error) {
        // Leave the lease to expire: the send is retried, never dropped.
        logger.error("send.crashed", { sendId: send.id, error });
      }
      held.delete(send.id);
    }
  } finally {
    clearInterval(heartbeat);
  }
  return claimed.length;
}
