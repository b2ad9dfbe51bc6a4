import { sql } from "drizzle-orm";
import type { Database } from "../../../db";

/** Rows per DELETE: each statement is short, so it never holds many row locks or a long transaction. */
export const RETENTION_BATCH_SIZE = 5_000;
/** The pause between two batches: the inbox and the ingest worker get the database in between. */
export const RETENTION_PAUSE_MS = 200;
/** One pass stops after this long even with rows left; the next pass goes on where it stopped. */
export const RETENTION_MAX_PASS_MS = 5 * 60_000;

export type RetentionOutcome = { deleted: number; batches: number; finished: boolean };

/**
 * Deletes the stored webhook events (the raw bodies: customers' words and names) processed or ignored more than
 * `retentionDays` ago, across every company, in batches of `batchSize` rows with a short pause between them.
 * Failed events (dead letters) and events not processed yet are kept whatever their age, until someone handles
 * them. The dedupe key goes with the row: `retentionDays` has a floor (server/env.js) well above the longest
 * provider redelivery (Meta ~36 h, Telegram 24 h), and a message's provider id is unique on its own, so a late
 * redelivery never makes a second message.
 *
 * The selection reads `inbound_events_pending_idx` (status, received_at): an event is received before it is
 * processed, so `received_at < cutoff` holds for every row to delete and bounds the index range; `processed_at`
 * then decides. Rows another transaction holds are skipped (SKIP LOCKED) and taken by a later pass.
 */
export async function deleteExpiredRawEvents(
  db: Database,
  opts: { retentionDays: number; batchSize?: number; pauseMs?: number; maxPassMs?: number; shouldStop?: () => boolean },
): Promise<RetentionOutcome> {
  const batchSize = opts.batchSize ?? RETENTION_BATCH_SIZE;
  const pauseMs = opts.pauseMs ?? RETENTION_PAUSE_MS;
  const deadline = Date.now() + (opts.maxPassMs ?? RETENTION_MAX_PASS_MS);
  if (!Number.isInteger(opts.retentionDays) || opts.retentionDays < 1) throw new Error("retentionDays must be a positive whole number");
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error("batchSize must be a positive whole number");

  let deleted = 0;
  let batches = 0;
  for (;;) {
    const [row] = await db.execute<{ n: number }>(sql`
      with expired as (
        select id from inbound_events
         where status in ('processed', 'ignored')
           and received_at < now() - make_interval(days => ${opts.retentionDays}::int)
           and processed_at < now() - make_interval(days => ${opts.retentionDays}::int)
         limit ${batchSize}::int
         for update skip locked
      ), gone as (
        delete from inbound_events where id in (select id from expired) returning 1
      )
      select count(*)::int as n from gone`);
    const n = Number(row?.n ?? 0);
    batches++;
    deleted += n;
    if (n < batchSize) return { deleted, batches, finished: true };
    if (Date.now() >= deadline || opts.shouldStop?.()) return { deleted, batches, finished: false };
    if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
}
