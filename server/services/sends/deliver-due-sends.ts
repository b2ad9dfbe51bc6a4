import { and, asc, eq, inArray, isNull, ne, sql } from "drizzle-orm";
import { db } from "../../../db";
import { isDatabaseUnavailable } from "../../../db/errors";
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
/**
 * Sends in flight at once in this process, and at most so many of one channel's: a provider that hangs or crawls
 * holds its own lanes (each for at most SEND_TIMEOUT_MS) and never the other channels' replies.
 */
export const SEND_LANES = 8;
export const SEND_LANES_PER_CHANNEL = 4;

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
export async function markMaybeDelivered(): Promise<void> {
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
 * channels, at most `limit`, and no more of one channel than its free lanes (`perChannel` less what `busy` says
 * this process already has in flight for it). SKIP LOCKED lets several workers share the queue; a disconnected
 * channel's sends wait for its reconnect.
 */
async function claimDueSends(limit: number, busy: ReadonlyMap<string, number>, perChannel: number): Promise<Claimed[]> {
  const inFlight = JSON.stringify(Object.fromEntries(busy));
  const rows = await db.execute<{ id: string }>(sql`
    update ${outboundSends} set status = 'sending', attempts = ${outboundSends.attempts} + 1,
      locked_until = now() + make_interval(secs => ${LEASE_SECONDS})
    where ${outboundSends.id} in (
      select ranked.id from (
        select d.id, d.next_attempt_at,
          row_number() over (partition by d.channel_id order by d.next_attempt_at, d.created_at, d.id)
            + coalesce((${inFlight}::jsonb ->> d.channel_id::text)::int, 0) as lane
        from (
          select s.id, s.channel_id, s.next_attempt_at, s.created_at
          from ${outboundSends} s join ${channels} c on c.id = s.channel_id join ${messages} m on m.id = s.message_id
          where c.status = 'active'
            and ((s.status = 'queued' and s.next_attempt_at <= now()) or (s.status = 'sending' and s.locked_until < now() and c.provider = 'vk'))
            and coalesce((${inFlight}::jsonb ->> s.channel_id::text)::int, 0) < ${perChannel}
            -- Head of line per conversation: a reply never overtakes an earlier one still waiting (paced, held
            -- for a reconnect, retrying, or in flight), so customers read replies in the order they were written.
            and not exists (
              select 1 from ${outboundSends} e join ${messages} em on em.id = e.message_id
              where em.conversation_id = m.conversation_id and e.status in ('queued', 'sending')
                and (e.created_at, e.id) < (s.created_at, s.id))
          order by s.next_attempt_at
          limit ${limit * perChannel}
          for update of s skip locked) d) ranked
      where ranked.lane <= ${perChannel}
      order by ranked.next_attempt_at
      limit ${limit})
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
    await recordOnceStored(send.id, () => db.transaction(async (tx) => {
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
    }));
  } else {
    await recordOnceStored(send.id, () => recordFailure(send, message.id, channel.id, contact.id, result.error));
  }
  await publishToCompany(channel.companyId, [
    { name: "message.updated", data: { conversationId: message.conversationId, messageId: message.id } },
    ...(!result.ok && result.error.class === "connection_lost" ? [{ name: "channel.status_changed" as const, data: { channelId: channel.id, status: "disconnected" } }] : []),
    ...(!result.ok && result.error.reason === "blocked_by_user" && !result.error.mayHaveBeenDelivered
      ? [{ name: "contact.updated" as const, data: { contactId: contact.id, conversationIds: (await db.select({ id: conversations.id }).from(conversations).where(eq(conversations.contactId, contact.id))).map((c) => c.id) } }]
      : []),
  ]);
}

/** How long a provider's answer is kept, waiting for the database to come back, before the send is left to its lease. */
const RECORD_WAIT_MS = 15 * 60_000;

/**
 * The provider has answered; that answer must reach the database even if the database is away right now (a
 * Telegram or Meta send cannot be repeated safely, so "may not have been delivered" is for a process that really
 * died mid-call). Recording is retried while the database is unreachable, for up to RECORD_WAIT_MS; the send stays
 * in this worker's hands meanwhile. Recording sets the outcome outright, so it also corrects a send that another
 * instance marked "may not have been delivered" after its lease ran out during the outage.
 */
async function recordOnceStored(sendId: string, record: () => Promise<unknown>): Promise<void> {
  const giveUpAt = Date.now() + RECORD_WAIT_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      await record();
      if (attempt > 0) logger.info("send.recorded_after_outage", { sendId, attempts: attempt + 1 });
      return;
    } catch (error) {
      if (!isDatabaseUnavailable(error) || Date.now() > giveUpAt) throw error;
      if (attempt === 0) logger.warn("send.record_waiting", { sendId, error });
      await new Promise((resolve) => setTimeout(resolve, Math.min(250 * 2 ** attempt, 2_000)));
    }
  }
}

async function recordFailure(send: Claimed, messageId: string, channelId: string, contactId: string, error: ClassifiedError) {
  const now = new Date();
  logger.warn("send.failed", { sendId: send.id, channelId, class: error.class, reason: error.reason, code: error.providerError.code ?? null, attempt: send.attempts });
  if (error.mayHaveBeenDelivered) {
    // The request left and no answer came: as for a send interrupted by a crash (markMaybeDelivered), the
    // operator checks the chat and decides; it is never repeated by itself.
    logger.warn("send.maybe_delivered", { sendId: send.id, messageId, channelId });
    await db.transaction(async (tx) => {
      await tx.update(outboundSends).set({ status: "failed", lockedUntil: null, lastError: error.providerError, lastErrorClass: error.class }).where(eq(outboundSends.id, send.id));
      await tx.update(messages).set({ deliveryStatus: "failed", failureClass: null, failureReason: "maybe_delivered" }).where(eq(messages.id, messageId));
    });
    return;
  }
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
    // The provider says the customer blocked the bot: the contact is marked so (their next message clears it).
    if (reason === "blocked_by_user") {
      await tx.update(contacts).set({ blockedUsAt: now, updatedAt: now }).where(and(eq(contacts.id, contactId), isNull(contacts.blockedUsAt)));
    }
    await tx.update(outboundSends).set({ status: "failed", lockedUntil: null, lastError: error.providerError, lastErrorClass: error.class }).where(eq(outboundSends.id, send.id));
    await tx.update(messages).set({ deliveryStatus: "failed", failureClass: error.class, failureReason: reason }).where(eq(messages.id, messageId));
  });
}

/**
 * The send worker's lanes: due sends are claimed into free lanes and delivered concurrently — across
 * conversations only, since a conversation's next reply is not claimable while an earlier one is in flight —
 * and a lane that finishes claims again at once. Nothing ever waits for the slowest send of a batch.
 */
export class SendLanes {
  /** Send id → its channel id. */
  private readonly inFlight = new Map<string, string>();
  private readonly running = new Set<Promise<void>>();
  private filling = false;
  private again = false;
  private stopped = false;
  private claimed = 0;
  private heartbeat: NodeJS.Timeout | undefined;
  private idle: (() => void) | undefined;

  constructor(private readonly o: { lanes: number; perChannel: number; maxClaims?: number } = { lanes: SEND_LANES, perChannel: SEND_LANES_PER_CHANNEL }) {}

  /** Claims what is due into the free lanes; returns at once. */
  kick(): void {
    if (this.stopped) return;
    if (this.filling) {
      this.again = true;
      return;
    }
    this.filling = true;
    void this.fill()
      .catch((error: unknown) => logger.error("send.claim_failed", { error }))
      .finally(() => {
        this.filling = false;
        if (this.again) {
          this.again = false;
          this.kick();
        } else if (this.inFlight.size === 0) this.idle?.();
      });
  }

  /** Kicks, and resolves with the number of sends handled once nothing is in flight and nothing more was claimable. */
  drain(): Promise<number> {
    return new Promise((resolve) => {
      this.idle = () => resolve(this.claimed);
      this.kick();
    });
  }

  /** No more claims; resolves when the sends in flight have finished, or after `waitMs`. */
  async stop(waitMs: number): Promise<void> {
    this.stopped = true;
    await Promise.race([Promise.allSettled([...this.running]), new Promise((resolve) => setTimeout(resolve, waitMs).unref?.())]);
  }

  private async fill(): Promise<void> {
    for (;;) {
      const budget = this.o.maxClaims === undefined ? Infinity : this.o.maxClaims - this.claimed;
      const free = Math.min(this.o.lanes - this.inFlight.size, budget);
      if (this.stopped || free <= 0) return;
      const busy = new Map<string, number>();
      for (const channelId of this.inFlight.values()) busy.set(channelId, (busy.get(channelId) ?? 0) + 1);
      const claimed = await claimDueSends(free, busy, this.o.perChannel);
      if (claimed.length === 0) return;
      this.claimed += claimed.length;
      for (const send of claimed) this.start(send);
    }
  }

  private start(send: Claimed): void {
    this.inFlight.set(send.id, send.channelId);
    this.keepLeases();
    const run: Promise<void> = deliverOne(send)
      // Leave the lease to expire: the send is retried (or, where a retry could deliver twice, marked), never dropped.
      .catch((error: unknown) => logger.error("send.crashed", { sendId: send.id, error }))
      .finally(() => {
        this.inFlight.delete(send.id);
        this.running.delete(run);
        if (this.inFlight.size === 0) this.stopLeases();
        if (this.stopped) return;
        this.kick();
      });
    this.running.add(run);
  }

  /**
   * Uploads and slow providers can take longer than a lease: while this worker lives, it keeps renewing the
   * leases of the sends it holds, so no other worker takes one over and sends it twice. If it dies, they expire.
   */
  private keepLeases(): void {
    if (this.heartbeat) return;
    this.heartbeat = setInterval(() => {
      const ids = [...this.inFlight.keys()];
      if (ids.length === 0) return;
      void db
        .update(outboundSends)
        .set({ lockedUntil: sql`now() + make_interval(secs => ${LEASE_SECONDS})` })
        .where(and(inArray(outboundSends.id, ids), eq(outboundSends.status, "sending")))
        .catch((error: unknown) => logger.warn("send.lease_renewal_failed", { error }));
    }, (LEASE_SECONDS * 1000) / 3);
    this.heartbeat.unref?.();
  }

  private stopLeases(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }
}

/**
 * One pass of the send worker (tests and tools step through the queue with it; the job runner keeps lanes of its
 * own): the same lanes, until at most `limit` sends were handled or nothing more is due. Returns how many.
 */
export async function deliverDueSends(limit = 20): Promise<number> {
  await markMaybeDelivered();
  return new SendLanes({ lanes: SEND_LANES, perChannel: SEND_LANES_PER_CHANNEL, maxClaims: limit }).drain();
}
