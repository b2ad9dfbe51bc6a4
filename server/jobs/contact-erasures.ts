import type PgBoss from "pg-boss";
import type { Database } from "../../db";
import { logger } from "../log";
import { setContactErasureWake } from "../queue/contact-erasure-wake";
import { runContactErasure, unfinishedContactErasures } from "../services/contacts/erase-contact";

export const ERASURE_QUEUE = "erase-contact";

/** Ids only: the job names the erasure request, never the contact (pg-boss keeps finished jobs for a while). */
type ErasureJob = { erasureId: string };

const QUEUED_SWEEP_MS = 3_000;
/** A run that does not end in this long is taken for dead (its process stopped) and retried by pg-boss. */
const EXPIRE_SECONDS = 15 * 60;

/**
 * Contact erasures as durable pg-boss jobs, as history recoveries are: one job per contact_erasures row ("stately":
 * one queued and one running per row across every instance), retried with backoff when a run throws and after
 * expiring when its process died; a sweep on start and every few seconds sends a job for every erasure still
 * queued (and every few minutes for those left running), and runContactErasure is idempotent.
 */
export async function startContactErasures(boss: PgBoss, db: Database, opts: { sweep?: boolean } = {}): Promise<{ send(erasureId: string): Promise<void>; stop(): void }> {
  await boss.createQueue(ERASURE_QUEUE, { name: ERASURE_QUEUE, policy: "stately", retryLimit: 5, retryDelay: 5, retryBackoff: true, expireInSeconds: EXPIRE_SECONDS });

  const send = async (erasureId: string) => {
    await boss.send(ERASURE_QUEUE, { erasureId } satisfies ErasureJob, { singletonKey: erasureId });
  };

  await boss.work<ErasureJob>(ERASURE_QUEUE, { batchSize: 1, pollingIntervalSeconds: 1 }, async ([job]) => {
    if (!job) return;
    const started = Date.now();
    try {
      const outcome = await runContactErasure(job.data.erasureId, { db });
      logger.info("contacts.erasure_job_done", { erasureId: job.data.erasureId, status: outcome.status, ms: Date.now() - started });
    } catch (error) {
      logger.warn("contacts.erasure_job_failed", { erasureId: job.data.erasureId, error: error instanceof Error ? error.name : "unknown" });
      throw error; // pg-boss retries it
    }
  });
  setContactErasureWake(send);

  const sweep = async (queuedOnly: boolean) => {
    try {
      for (const id of await unfinishedContactErasures(db, { queuedOnly })) await send(id);
    } catch (error) {
      logger.warn("contacts.erasure_sweep_failed", { error: error instanceof Error ? error.name : "unknown" });
    }
  };
  if (opts.sweep !== false) await sweep(false);
  const queued = setInterval(() => void sweep(true), QUEUED_SWEEP_MS);
  const all = setInterval(() => void sweep(false), 5 * 60_000);
  queued.unref?.();
  all.unref?.();
  return {
    send,
    stop: () => {
      clearInterval(queued);
      clearInterval(all);
      setContactErasureWake(undefined);
    },
  };
}
