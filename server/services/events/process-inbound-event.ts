import { and, asc, eq, getTableColumns, inArray, or, sql } from "drizzle-orm";
import { db, type Tx } from "../../../db";
import { channels, companies, inboundEvents } from "../../../db/schema";
import { adapterFor } from "../../channels/registry";
import { isLocale } from "../../i18n";
import { sqlState } from "../../../db/errors";
import { storableText } from "../../json-safety";
import { logger } from "../../log";
import type { RealtimeEvent } from "../../realtime/channels";
import { applyNormalizedEvents, flushApplyCache, prefetchApplyCache, type ApplyContext } from "./apply-normalized-events";
import { settlePendingEffects } from "./pending-effects";
import { enqueuePostCommitJobs, runPostCommitJobs, type QueuedJob } from "./post-commit-jobs";

/** Attempts before an event lands in the dead letter (status failed, reason processing_error). */
export const MAX_PROCESS_ATTEMPTS = 8;
const BACKOFF_CAP_SECONDS = 300;
/** Events per transaction, across the streams of one batch. */
const DEFAULT_BATCH_EVENTS = 200;

/** Exponential backoff with a cap: 1 s, 2 s, 4 s … 5 min. */
export function processRetryDelaySeconds(attempts: number): number {
  return Math.min(2 ** Math.max(attempts - 1, 0), BACKOFF_CAP_SECONDS);
}

type Event = typeof inboundEvents.$inferSelect;
type Channel = typeof channels.$inferSelect;

/** An event's stream: its order key (channel + chat), or the event alone for rows stored without one. */
const LEGACY = "event:";
const streamOf = (e: { orderKey: string | null; id: string }) => e.orderKey ?? `${LEGACY}${e.id}`;
/** A list as one jsonb parameter: the statement keeps one shape (prepared once) whatever the batch size. */
const jsonParam = (value: unknown) => sql`${JSON.stringify(value)}::jsonb`;

/**
 * Streams with work that is due, oldest first. Reads only the oldest waiting events through the pending index
 * (a bounded scan, whatever the backlog: grouping the whole backlog per claim cost more than the work under
 * load). A stream whose head waits out a retry is skipped by the batch itself, so one chat's events never
 * overtake each other.
 */
export async function dueStreams(limit: number, exclude: ReadonlySet<string> = new Set()): Promise<string[]> {
  const rows = await db.execute<{ key: string }>(sql`
    select coalesce(order_key, ${LEGACY} || id::text) as key
    from ${inboundEvents}
    where status = 'received' and next_attempt_at <= now()
    order by received_at
    limit ${(limit + exclude.size) * 4}`);
  const keys: string[] = [];
  for (const { key } of rows) if (!exclude.has(key) && !keys.includes(key) && keys.length < limit) keys.push(key);
  return keys;
}

type BatchResult = {
  processed: number;
  realtime: Map<string, RealtimeEvent[]>;
  jobs: QueuedJob[];
  /** Channels that received webhooks, for last_webhook_at. */
  channels: Map<string, Date>;
};

/** The streams this transaction holds: a transaction-scoped advisory lock per stream, skipped when another holds it. */
async function lockStreams(tx: Tx, keys: string[]): Promise<string[]> {
  const rows = await tx.execute<{ key: string }>(sql`
    select k as key from jsonb_array_elements_text(${jsonParam(keys)}) as k where pg_try_advisory_xact_lock(hashtextextended(k, 0))`);
  return rows.map((r) => r.key);
}

/**
 * One batch in one transaction: the held streams' waiting events in provider order (sequence, then arrival),
 * each applied in turn; effects that waited for the messages stored here settle; statuses are written in one
 * statement; post-commit work is queued in the same transaction. Any error rolls the whole batch back.
 */
async function runBatch(tx: Tx, keys: string[], maxEvents: number): Promise<BatchResult> {
  const result: BatchResult = { processed: 0, realtime: new Map(), jobs: [], channels: new Map() };
  const held = await lockStreams(tx, keys);
  if (held.length === 0) return result;
  const legacyIds = held.filter((k) => k.startsWith(LEGACY)).map((k) => k.slice(LEGACY.length));
  const ordered = held.filter((k) => !k.startsWith(LEGACY));
  // Whether each event's retry time has come is asked of the database: the clock that wrote next_attempt_at (an
  // app server's clock may differ from the database's).
  const events = await tx
    .select({ ...getTableColumns(inboundEvents), waiting: sql<boolean>`${inboundEvents.nextAttemptAt} > now() + interval '50 milliseconds'` })
    .from(inboundEvents)
    .where(
      and(
        eq(inboundEvents.status, "received"),
        or(
          ordered.length ? sql`${inboundEvents.orderKey} in (select jsonb_array_elements_text(${jsonParam(ordered)}))` : undefined,
          legacyIds.length ? inArray(inboundEvents.id, legacyIds) : undefined,
        ),
      ),
    )
    .orderBy(asc(inboundEvents.orderKey), sql`${inboundEvents.sequence} asc nulls last`, asc(inboundEvents.arrival))
    .limit(maxEvents);
  if (events.length === 0) return result;

  // A stream whose head waits out a retry is left alone: nothing of that chat may overtake it.
  const blocked = new Set<string>();
  const runnable: Event[] = [];
  for (const e of events) {
    const key = streamOf(e);
    if (blocked.has(key)) continue;
    if (e.waiting) {
      blocked.add(key);
      continue;
    }
    runnable.push(e);
  }
  if (runnable.length === 0) return result;

  const channelIds = [...new Set(runnable.map((e) => e.channelId).filter((id): id is string => id !== null))];
  const found = channelIds.length
    ? await tx.select({ channel: channels, locale: companies.locale }).from(channels).innerJoin(companies, eq(companies.id, channels.companyId)).where(inArray(channels.id, channelIds))
    : [];
  const byId = new Map(found.map((f) => [f.channel.id, f]));

  const outcomes: { id: string; status: "processed" | "ignored" | "failed"; note: string | null; reason: string | null }[] = [];
  // Parsed first, so the batch's contacts and open conversations are read in one statement each.
  const parsedEvents = new Map<string, ReturnType<NonNullable<ReturnType<typeof adapterFor>>["adapter"]["parseEvent"]>>();
  const chats: { channelId: string; chatId: string }[] = [];
  for (const event of runnable) {
    const f = event.channelId ? byId.get(event.channelId) : undefined;
    const resolved = f ? adapterFor(f.channel) : undefined;
    if (!f || !resolved || event.payload === null) continue;
    const parsed = resolved.adapter.parseEvent(event.payload, { locale: isLocale(f.locale) ? f.locale : undefined, receivedAt: event.receivedAt });
    parsedEvents.set(event.id, parsed);
    if (parsed.ok) for (const ev of parsed.events) if (ev.kind === "message") chats.push({ channelId: f.channel.id, chatId: ev.chatId });
  }
  const ctx: ApplyContext = { tiebreak: 0, stored: [], cache: await prefetchApplyCache(tx, chats) };
  ctx.cache!.emit = (companyId, e) => realtimeOf(companyId).push(e);
  const realtimeOf = (companyId: string) => {
    let list = result.realtime.get(companyId);
    if (!list) result.realtime.set(companyId, (list = []));
    return list;
  };
  const storedBefore = new Map<string, number>();
  for (const event of runnable) {
    const f = event.channelId ? byId.get(event.channelId) : undefined;
    const channel: Channel | undefined = f?.channel;
    const resolved = channel ? adapterFor(channel) : undefined;
    if (channel) result.channels.set(channel.id, maxDate(result.channels.get(channel.id), event.receivedAt));
    if (!channel || !resolved) {
      outcomes.push({ id: event.id, status: "ignored", note: "no channel or adapter", reason: null });
      continue;
    }
    if (event.payload === null) {
      // Kept as raw bytes only (jsonb could not hold it): nothing to parse.
      outcomes.push({ id: event.id, status: "failed", note: event.note ?? "unsupported content: kept as raw bytes", reason: "unsupported_content" });
      continue;
    }
    const parsed = parsedEvents.get(event.id)!;
    if (!parsed.ok) {
      // An event of a shape the product does not know: failed with the reason, never retried.
      outcomes.push({ id: event.id, status: "failed", note: storableText(parsed.reason), reason: "unsupported_shape" });
      continue;
    }
    // Meta's sequence is its timestamp, already in the sort key: arrival orders within the millisecond.
    ctx.tiebreak = channel.provider === "messenger" || channel.provider === "instagram" ? event.arrival : (event.sequence ?? event.arrival);
    storedBefore.set(event.id, ctx.stored.length);
    realtimeOf(channel.companyId).push(...(await applyNormalizedEvents(tx, channel, parsed.events, ctx)));
    outcomes.push({ id: event.id, status: parsed.events.length === 0 ? "ignored" : "processed", note: parsed.ignoredReason ? storableText(parsed.ignoredReason) : null, reason: null });
  }
  await flushApplyCache(tx, ctx);
  const settled = await settlePendingEffects(tx, ctx.stored);
  for (const e of settled) {
    const m = ctx.stored.find((s) => s.messageId === (e.data as { messageId?: string }).messageId);
    const companyId = m ? byId.get(m.channelId)?.channel.companyId : undefined;
    if (companyId) realtimeOf(companyId).push(e);
  }

  await tx.execute(sql`
    update ${inboundEvents} as e set
      status = v.status::inbound_event_status, note = v.note, failure_reason = v.reason,
      processed_at = now(), attempts = e.attempts + 1
    from jsonb_to_recordset(${jsonParam(outcomes)}) as v(id uuid, status text, note text, reason text)
    where e.id = v.id`);
  result.processed = outcomes.length;

  // Attachment fetch, profile lookup and publish: durable jobs written with the messages they are about.
  const created = new Map<string, string[]>();
  for (const m of ctx.stored) {
    const companyId = byId.get(m.channelId)?.channel.companyId;
    if (!companyId || m.direction !== "inbound") continue;
    created.set(companyId, [...(created.get(companyId) ?? []), m.messageId]);
  }
  result.jobs = await enqueuePostCommitJobs(tx, result.realtime, created, new Map(found.map((f) => [f.channel.id, f.channel.provider])), ctx.stored);
  return result;
}

const maxDate = (a: Date | undefined, b: Date) => (a && a > b ? a : b);

/** last_webhook_at once per batch and channel (it was a hot row when written on every webhook). */
async function touchChannels(seen: Map<string, Date>): Promise<void> {
  for (const [id, at] of seen) {
    await db
      .update(channels)
      .set({ lastWebhookAt: sql`greatest(${channels.lastWebhookAt}, ${at.toISOString()}::timestamptz)` })
      .where(eq(channels.id, id));
  }
}

/**
 * Who runs a batch's post-commit jobs: by default the caller waits for them (tests, and a process without a
 * worker); the ingest worker hands them to its own runner instead, so a slow download never holds other chats'
 * messages back (the jobs are durable rows: a crash leaves them to the sweep).
 */
export type FollowUps = (jobs: QueuedJob[]) => void;

async function afterCommit(result: BatchResult, followUps?: FollowUps): Promise<void> {
  if (result.processed === 0) return;
  try {
    await touchChannels(result.channels);
  } catch (error) {
    logger.warn("inbound.touch_failed", { error });
  }
  if (followUps) followUps(result.jobs);
  else await runPostCommitJobs(result.jobs);
}

/** Records a failed attempt on one event: retried with backoff, or failed for good (dead letter) after the cap. */
async function recordFailure(event: Pick<Event, "id" | "attempts">, error: unknown): Promise<void> {
  const attempts = event.attempts + 1;
  const code = sqlState(error) ?? (error instanceof Error ? error.name : "error");
  const dead = attempts >= MAX_PROCESS_ATTEMPTS;
  logger.error("inbound.process_failed", { eventId: event.id, attempt: attempts, dead, error });
  await db
    .update(inboundEvents)
    .set({
      attempts,
      status: dead ? "failed" : "received",
      failureReason: dead ? "processing_error" : null,
      processedAt: dead ? new Date() : null,
      nextAttemptAt: sql`now() + make_interval(secs => ${processRetryDelaySeconds(attempts)})`,
      // The code only: a database error's message can quote the customer's text.
      note: `processing failed (${code})`,
    })
    .where(and(eq(inboundEvents.id, event.id), eq(inboundEvents.status, "received")));
}

/**
 * One stream, one event per transaction: after a batch failed, this finds the event that fails, records its
 * attempt (the stream then waits for its retry) and lets every event before it through.
 */
async function processStreamAlone(key: string, maxEvents: number, followUps?: FollowUps): Promise<number> {
  let done = 0;
  while (done < maxEvents) {
    let head: Pick<Event, "id" | "attempts"> | undefined;
    try {
      const result = await db.transaction(async (tx) => {
        if ((await lockStreams(tx, [key])).length === 0) return undefined;
        const where = key.startsWith(LEGACY) ? eq(inboundEvents.id, key.slice(LEGACY.length)) : eq(inboundEvents.orderKey, key);
        [head] = await tx
          .select({ id: inboundEvents.id, attempts: inboundEvents.attempts })
          .from(inboundEvents)
          .where(and(where, eq(inboundEvents.status, "received")))
          .orderBy(sql`${inboundEvents.sequence} asc nulls last`, asc(inboundEvents.arrival))
          .limit(1);
        return runBatch(tx, [key], 1);
      });
      if (!result || result.processed === 0) return done;
      await afterCommit(result, followUps);
      done += result.processed;
    } catch (error) {
      if (head) await recordFailure(head, error);
      return done;
    }
  }
  return done;
}

/**
 * Processes these streams: all of them in one transaction when that works, else each alone. Returns how many
 * events reached a final state.
 */
export async function processStreams(keys: string[], opts: { maxEvents?: number; followUps?: FollowUps } = {}): Promise<number> {
  if (keys.length === 0) return 0;
  const maxEvents = opts.maxEvents ?? DEFAULT_BATCH_EVENTS;
  let result: BatchResult;
  try {
    result = await db.transaction((tx) => runBatch(tx, keys, maxEvents));
  } catch (error) {
    logger.warn("inbound.batch_failed", { streams: keys.length, code: sqlState(error) ?? (error instanceof Error ? error.name : "error") });
    let n = 0;
    for (const key of keys) n += await processStreamAlone(key, maxEvents, opts.followUps);
    return n;
  }
  await afterCommit(result, opts.followUps);
  return result.processed;
}

/**
 * Processes the streams of these stored events until none of them waits any more (or is waiting out a retry).
 * What a caller without a running worker does right after the acknowledgement, and what tests await.
 */
export async function processStoredEvents(ids: string[], timeoutMs = 10_000): Promise<void> {
  if (ids.length === 0) return;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const waiting = await db
      .select({ id: inboundEvents.id, orderKey: inboundEvents.orderKey })
      .from(inboundEvents)
      .where(and(inArray(inboundEvents.id, ids), eq(inboundEvents.status, "received"), sql`${inboundEvents.nextAttemptAt} <= now()`));
    if (waiting.length === 0) return;
    // A stream whose head waits out a retry is not due: its events go when the retry does (worker or sweep).
    const keys = [...new Set(waiting.map((w) => w.orderKey).filter((k): k is string => k !== null))];
    const held = keys.length
      ? await db
          .selectDistinct({ key: inboundEvents.orderKey })
          .from(inboundEvents)
          .where(and(inArray(inboundEvents.orderKey, keys), eq(inboundEvents.status, "received"), sql`${inboundEvents.nextAttemptAt} > now()`))
      : [];
    const blocked = new Set(held.map((h) => h.key));
    const due = [...new Set(waiting.map(streamOf))].filter((k) => !blocked.has(k));
    if (due.length === 0) return;
    const n = await processStreams(due);
    if (n === 0) {
      // Another worker holds the stream: it will finish it.
      if (Date.now() > deadline) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

/** Processes one stored event (and whatever of its chat comes before it). */
export async function processInboundEvent(eventId: string): Promise<void> {
  await processStoredEvents([eventId]);
}

/** A pass over everything due (events a crash left behind, retries whose time came). Returns events finished. */
export async function sweepInboundEvents(limit = 50): Promise<number> {
  let total = 0;
  const keys = await dueStreams(limit);
  for (let i = 0; i < keys.length; i += 16) total += await processStreams(keys.slice(i, i + 16));
  return total;
}
