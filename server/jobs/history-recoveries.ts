import type PgBoss from "pg-boss";
import type { Database } from "../../db";
import { logger } from "../log";
import { setHistoryRecoveryWake } from "../queue/history-recovery-wake";
import { runHistoryRecovery, unfinishedHistoryRecoveries } from "../services/channels/history-recovery";

export const RECOVERY_QUEUE = "recover-channel-history";

type RecoveryJob = { recoveryId: string };

const QUEUED_SWEEP_MS = 3_000;
/** A run that does not end in this long is taken for dead (its process stopped) and retried by pg-boss. */
const EXPIRE_SECONDS = 600;

/**
 * History recoveries after a reconnect as durable pg-boss jobs: one job per history_recoveries row (the queue's
 * "stately" policy keeps one queued and one running per row, across every app instance), retried with backoff
 * when a run throws, and expired then retried when its process died mid-run. The row holds the state, so a sweep
 * on start sends a job for every recovery still queued or running — a restart loses nothing — and runHistoryRecovery
 * is idempotent, so a second run adds nothing twice.
 */
export async function startHistoryRecoveries(boss: PgBoss, db: Database, opts: { sweep?: boolean } = {}): Promise<{ send(recoveryId: string): Promise<void>; stop(): void }> {
  await boss.createQueue(RECOVERY_QUEUE, { name: RECOVERY_QUEUE, policy: "stately", retryLimit: 5, retryDelay: 5, retryBackoff: true, expireInSeconds: EXPIRE_SECONDS });

  const send = async (recoveryId: string) => {
    await boss.send(RECOVERY_QUEUE, { recoveryId } satisfies RecoveryJob, { singletonKey: recoveryId });
  };

  await boss.work<RecoveryJob>(RECOVERY_QUEUE, { batchSize: 1, pollingIntervalSeconds: 1 }, async ([job]) => {
    if (!job) return;
    try {
      const outcome = await runHistoryRecovery(job.data.recoveryId, { db });
      logger.info("channels.recovery_job_done", { recoveryId: job.data.recoveryId, status: outcome.status, recovered: outcome.recoveredCount });
    } catch (error) {
      logger.warn("channels.recovery_job_failed", { recoveryId: job.data.recoveryId, error: error instanceof Error ? error.name : "unknown" });
      throw error; // pg-boss retries it
    }
  });
  setHistoryRecoveryWake(send);

  const sweep = async (queuedOnly: boolean) => {
    try {
      for (const id of await unfinishedHistoryRecoveries(db, { queuedOnly })) await send(id);
    } catch (error) {
      logger.warn("channels.recovery_sweep_failed", { error: error instanceof Error ? error.name : "unknown" });
    }
  };
  if (opts.sweep !== false) await sweep(false);
  // Recoveries queued where no runner rang (another instance, a wake that failed) start within seconds; those left
  // running by a process that stopped are sent again every few minutes (pg-boss expires and retries them too).
  const queued = setInterval(() => void sweep(true), QUEUED_SWEEP_MS);
  const all = setInterval(() => void sweep(false), 5 * 60_000);
  queued.unref?.();
  all.unref?.();
  return {
    send,
    stop: () => {
      clearInterval(queued);
      clearInterval(all);
      setHistoryRecoveryWake(undefined);
    },
  };
}
