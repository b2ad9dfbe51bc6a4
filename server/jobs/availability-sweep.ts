import type PgBoss from "pg-boss";
import type { Database } from "../../db";
import { logger } from "../log";
import { sweepUnseen } from "../services/availability/availability";

export const AVAILABILITY_SWEEP_QUEUE = "availability-sweep";

/**
 * Every minute, people Online whose browsers stopped reporting in become Away (automatically: their next input
 * or sign-in brings them back). A pg-boss cron job, run by one instance at a time.
 */
export async function startAvailabilitySweep(boss: PgBoss, db: Database): Promise<void> {
  await boss.createQueue(AVAILABILITY_SWEEP_QUEUE, { name: AVAILABILITY_SWEEP_QUEUE, policy: "singleton", retryLimit: 0, expireInSeconds: 60 });
  await boss.schedule(AVAILABILITY_SWEEP_QUEUE, "* * * * *");
  await boss.work(AVAILABILITY_SWEEP_QUEUE, { batchSize: 1, pollingIntervalSeconds: 15 }, async () => {
    try {
      const away = await sweepUnseen(db);
      if (away > 0) logger.info("availability.swept", { away });
    } catch (error) {
      logger.warn("availability.sweep_failed", { error: error instanceof Error ? error.name : "unknown" });
    }
  });
}
