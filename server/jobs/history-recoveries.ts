import type PgBoss from "pg-boss";
import type { Database } from "../../db";
import { setHistoryRecoveryWake } from "../queue/history-recovery-wake";
import { runHistoryRecovery, unfinishedHistoryRecoveries } from "../services/channels/history-recovery";
import { startRowJobs } from "./row-jobs";

export const RECOVERY_QUEUE = "recover-channel-history";

/**
 * History recoveries after a reconnect as durable row jobs (server/jobs/row-jobs.ts), one per history_recoveries
 * row: a restart loses nothing, and runHistoryRecovery is idempotent, so a second run adds nothing twice.
 */
export function startHistoryRecoveries(boss: PgBoss, db: Database, opts: { sweep?: boolean } = {}) {
  return startRowJobs(
    boss,
    db,
    {
      queue: RECOVERY_QUEUE,
      idKey: "recoveryId",
      expireSeconds: 600,
      logAs: "channels.recovery",
      run: async (id, deps) => {
        const outcome = await runHistoryRecovery(id, deps);
        return { status: outcome.status, recovered: outcome.recoveredCount };
      },
      unfinished: unfinishedHistoryRecoveries,
      setWake: setHistoryRecoveryWake,
    },
    opts,
  );
}
