/**
 * The doorbell of the history-recovery jobs (server/jobs/history-recoveries.ts): a reconnect that queued a
 * recovery rings it so the job starts now. The job runner registers itself here when pg-boss has started; with no
 * runner in this process nothing happens, and the queued row is picked up by a runner's sweep within seconds.
 */
import { logger } from "../log";

const globalForWake = globalThis as unknown as { switchboardRecoveryWake?: (recoveryId: string) => Promise<void> };

export function setHistoryRecoveryWake(wake: ((recoveryId: string) => Promise<void>) | undefined): void {
  globalForWake.switchboardRecoveryWake = wake;
}

/** Start this recovery now where a runner runs; never throws (the row is durable, a sweep finds it). */
export async function wakeHistoryRecovery(recoveryId: string): Promise<void> {
  try {
    await globalForWake.switchboardRecoveryWake?.(recoveryId);
  } catch (error) {
    // The runner's next sweep (a few seconds) sends it: the row is durable.
    logger.warn("channels.recovery_wake_failed", { recoveryId, error: error instanceof Error ? error.message : "unknown" });
  }
}
