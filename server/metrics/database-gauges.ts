import { sql } from "drizzle-orm";
import { db } from "../../db";
import { withDeadline } from "../../db/deadline";
import { logger } from "../log";
import { filesNeedMissingObjectStorage } from "../storage/unreachable-files";
import { metrics } from "./registry";

/** A scrape answers within this even when the database does not; the gauges are then absent and database_up is 0. */
export const METRICS_DATABASE_DEADLINE_MS = 2_000;

type Row = {
  backlog: number;
  oldest_seconds: number;
  dead_letters: number;
  send_queue: number;
  send_failures: number;
  email_queue: number;
  email_failures: number;
};

/**
 * Reads the queue, failure, probe and channel gauges from the database: one statement for the counts (each a
 * count over an indexed status), one grouped by channel status. Counts only, across all companies — no names or ids.
 */
export async function refreshDatabaseGauges(): Promise<boolean> {
  const m = metrics();
  const read = async () => {
    const [counts] = await db.execute<Row>(sql`
      select
        (select count(*)::int from inbound_events where status = 'received') as backlog,
        coalesce((select extract(epoch from now() - min(received_at))::float8 from inbound_events where status = 'received'), 0) as oldest_seconds,
        (select count(*)::int from inbound_events where status = 'failed') as dead_letters,
        (select count(*)::int from outbound_sends where status in ('queued', 'sending')) as send_queue,
        (select count(*)::int from outbound_sends where status = 'failed') as send_failures,
        (select count(*)::int from email_deliveries where status = 'queued') as email_queue,
        (select count(*)::int from email_deliveries where status = 'failed') as email_failures`);
    const channelRows = await db.execute<{ status: string; probe: string; n: number }>(sql`
      select status::text as status,
             case when status <> 'active' then '' when last_probe_at is null then 'never' when probe_failures > 0 then 'failing' else 'ok' end as probe,
             count(*)::int as n
        from channels group by 1, 2`);
    return { counts: counts!, channelRows, filesUnreachable: await filesNeedMissingObjectStorage(db) };
  };
  try {
    const { counts, channelRows, filesUnreachable } = await withDeadline(read(), METRICS_DATABASE_DEADLINE_MS, "metrics");
    m.ingestBacklog.set(counts.backlog);
    m.ingestOldestSeconds.set(Math.max(0, Number(counts.oldest_seconds)));
    m.deadLetters.set(counts.dead_letters);
    m.sendQueue.set(counts.send_queue);
    m.sendFailures.set(counts.send_failures);
    m.emailQueue.set(counts.email_queue);
    m.emailFailures.set(counts.email_failures);
    const byStatus: Record<string, number> = { active: 0, disconnected: 0, stopped: 0 };
    const byProbe: Record<string, number> = { ok: 0, failing: 0, never: 0 };
    for (const r of channelRows) {
      byStatus[r.status] = (byStatus[r.status] ?? 0) + r.n;
      if (r.probe) byProbe[r.probe] = (byProbe[r.probe] ?? 0) + r.n;
    }
    for (const [status, n] of Object.entries(byStatus)) m.channels.set({ status }, n);
    for (const [result, n] of Object.entries(byProbe)) m.probes.set({ result }, n);
    m.filesUnreachable.set(filesUnreachable ? 1 : 0);
    m.databaseUp.set(1);
    return true;
  } catch (error) {
    logger.warn("metrics.database_unavailable", { error });
    // Stale numbers would look healthy: drop them, so the alert rules see absence and database_up 0.
    for (const g of [m.ingestBacklog, m.ingestOldestSeconds, m.deadLetters, m.sendQueue, m.sendFailures, m.emailQueue, m.emailFailures, m.channels, m.probes, m.filesUnreachable]) g.reset();
    m.databaseUp.set(0);
    return false;
  }
}
