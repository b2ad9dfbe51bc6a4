import { and, eq, inArray, isNotNull, sql } from "drizzle-orm";
import { db, type DbOrTx, type Tx } from "../../../db";
import { postCommitJobs, type PostCommitJobName } from "../../../db/schema";
import type { Provider } from "../../channels/types";
import { logger } from "../../log";
import { companyChannel, type RealtimeEvent } from "../../realtime/channels";
import { pusherServer } from "../../realtime/publish";
import { sqlState } from "../../../db/errors";
import { fillContactProfiles } from "../contacts/fill-contact-profiles";
import { fetchInboundAttachments } from "../files/fetch-inbound-attachments";
import type { StoredMessage } from "./pending-effects";

export type QueuedJob = { id: string; companyId: string; name: PostCommitJobName; payload: { messageIds?: string[]; events?: RealtimeEvent[] }; attempts: number };

/** Providers whose events carry only ids, so a new contact's name is looked up. */
const LOOKUP_PROVIDERS = new Set<Provider>(["messenger", "instagram", "vk"]);
/** A job inserted with its transaction waits this long before another worker's sweep may take it: the worker that
 * committed it runs it at once, and the sweep only picks up what a crash left behind. */
const HANDOFF_SECONDS = 30;
const MAX_ATTEMPTS: Record<PostCommitJobName, number> = { "publish-realtime": 3, "fill-contact-profiles": 8, "fetch-attachments": 8 };

export function postCommitRetryDelaySeconds(attempts: number): number {
  return Math.min(2 ** Math.max(attempts, 0), 300);
}

/** Writes the batch's post-commit work in its transaction: one job per company and kind. */
export async function enqueuePostCommitJobs(
  tx: Tx,
  realtime: Map<string, RealtimeEvent[]>,
  created: Map<string, string[]>,
  providers: Map<string, Provider>,
  stored: StoredMessage[],
): Promise<QueuedJob[]> {
  const rows: (typeof postCommitJobs.$inferInsert)[] = [];
  for (const [companyId, events] of realtime) if (events.length) rows.push({ companyId, name: "publish-realtime", payload: { events } });
  for (const [companyId, ids] of created) {
    const mine = new Set(ids);
    const inCompany = stored.filter((m) => mine.has(m.messageId));
    const lookups = inCompany.filter((m) => LOOKUP_PROVIDERS.has(providers.get(m.channelId)!)).map((m) => m.messageId);
    const files = inCompany.filter((m) => m.fetchable).map((m) => m.messageId);
    if (lookups.length) rows.push({ companyId, name: "fill-contact-profiles", payload: { messageIds: lookups } });
    if (files.length) rows.push({ companyId, name: "fetch-attachments", payload: { messageIds: files } });
  }
  if (rows.length === 0) return [];
  const ids = await tx
    .insert(postCommitJobs)
    .values(rows.map((r) => ({ ...r, nextAttemptAt: sql`now() + make_interval(secs => ${HANDOFF_SECONDS})` })))
    .returning({ id: postCommitJobs.id });
  return rows.map((r, i) => ({ id: ids[i]!.id, companyId: r.companyId, name: r.name, payload: r.payload as QueuedJob["payload"], attempts: 0 }));
}

/** Realtime publish that reports failure (so the job retries), in Pusher's batches of ten. */
async function publish(companyId: string, events: RealtimeEvent[]): Promise<void> {
  const channel = companyChannel(companyId);
  for (let i = 0; i < events.length; i += 10) {
    await pusherServer().triggerBatch(events.slice(i, i + 10).map((e) => ({ channel, name: e.name, data: e.data })));
  }
}

async function runOne(job: QueuedJob): Promise<void> {
  switch (job.name) {
    case "publish-realtime":
      return publish(job.companyId, job.payload.events ?? []);
    case "fill-contact-profiles": {
      const events = await fillContactProfiles(job.payload.messageIds ?? []);
      if (events.length) await publish(job.companyId, events).catch(() => undefined);
      return;
    }
    case "fetch-attachments": {
      const events = await fetchInboundAttachments(job.payload.messageIds ?? []);
      if (events.length) await publish(job.companyId, events).catch(() => undefined);
      return;
    }
  }
}

/** Runs jobs (idempotent handlers): done ones are deleted, failed ones retried with backoff, up to a cap. */
export async function runPostCommitJobs(jobs: QueuedJob[]): Promise<void> {
  const done: string[] = [];
  for (const job of jobs) {
    try {
      await runOne(job);
      done.push(job.id);
    } catch (error) {
      const attempts = job.attempts + 1;
      const code = sqlState(error) ?? (error instanceof Error ? error.name : "error");
      const giveUp = attempts >= MAX_ATTEMPTS[job.name];
      logger.warn("job.failed", { job: job.name, jobId: job.id, attempt: attempts, giveUp, code });
      try {
        if (giveUp && job.name === "publish-realtime") {
          // A notification, not the record: clients refetch on reconnect, so a stale one is dropped.
          done.push(job.id);
          continue;
        }
        await db
          .update(postCommitJobs)
          .set({
            attempts,
            lockedUntil: null,
            lastError: code.slice(0, 100),
            nextAttemptAt: sql`now() + make_interval(secs => ${postCommitRetryDelaySeconds(attempts)})`,
            failedAt: giveUp ? new Date() : null,
          })
          .where(eq(postCommitJobs.id, job.id));
      } catch (recordError) {
        logger.error("job.record_failed", { jobId: job.id, code: sqlState(recordError) ?? null });
      }
    }
  }
  if (done.length) {
    try {
      await db.delete(postCommitJobs).where(inArray(postCommitJobs.id, done));
    } catch (error) {
      logger.warn("job.delete_failed", { code: sqlState(error) ?? null });
    }
  }
}

/** Jobs whose time came (a crash left them, or a retry is due), claimed with SKIP LOCKED and a lease. */
export async function sweepPostCommitJobs(limit = 20): Promise<number> {
  const rows = await db.execute<{ id: string; company_id: string; name: PostCommitJobName; payload: QueuedJob["payload"]; attempts: number }>(sql`
    update ${postCommitJobs} set locked_until = now() + interval '5 minutes'
    where id in (
      select id from ${postCommitJobs}
      where failed_at is null and next_attempt_at <= now() and (locked_until is null or locked_until < now())
      order by next_attempt_at limit ${limit}
      for update skip locked)
    returning id, company_id, name, payload, attempts`);
  if (rows.length === 0) return 0;
  await runPostCommitJobs(rows.map((r) => ({ id: r.id, companyId: r.company_id, name: r.name, payload: r.payload, attempts: r.attempts })));
  return rows.length;
}

/** Failed for good, per company and kind (never silent: shown with the dead letters on Settings → Channels). */
export async function failedPostCommitJobs(db: DbOrTx, companyId: string): Promise<Partial<Record<PostCommitJobName, number>>> {
  const rows = await db
    .select({ name: postCommitJobs.name, n: sql<number>`count(*)::int` })
    .from(postCommitJobs)
    .where(and(eq(postCommitJobs.companyId, companyId), isNotNull(postCommitJobs.failedAt)))
    .groupBy(postCommitJobs.name);
  return Object.fromEntries(rows.map((r) => [r.name, r.n]));
}

/** "Retry all" on the dead letters: the company's failed follow-up jobs are due again, with fresh attempts. */
export async function retryFailedPostCommitJobs(db: DbOrTx, companyId: string): Promise<number> {
  const rows = await db
    .update(postCommitJobs)
    .set({ failedAt: null, attempts: 0, lastError: null, lockedUntil: null, nextAttemptAt: new Date() })
    .where(and(eq(postCommitJobs.companyId, companyId), isNotNull(postCommitJobs.failedAt)))
    .returning({ id: postCommitJobs.id });
  return rows.length;
}
