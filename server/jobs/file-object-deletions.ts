import type PgBoss from "pg-boss";
import type { Database } from "../../db";
import { logger } from "../log";
import { removePendingObjectDeletions } from "../services/files/delete-stored-files";

export const OBJECT_DELETIONS_QUEUE = "file-object-deletions";

/**
 * Removes from object storage the objects of deleted files that are still listed in stored_file_object_deletions:
 * those deleted inside a caller's transaction (contact erasure) and removals that failed. A pg-boss cron job every
 * five minutes, run by one instance at a time.
 */
export async function startObjectDeletions(boss: PgBoss, db: Database): Promise<void> {
  await boss.createQueue(OBJECT_DELETIONS_QUEUE, { name: OBJECT_DELETIONS_QUEUE, policy: "singleton", retryLimit: 0, expireInSeconds: 10 * 60 });
  await boss.schedule(OBJECT_DELETIONS_QUEUE, "*/5 * * * *");
  await boss.work(OBJECT_DELETIONS_QUEUE, { batchSize: 1, pollingIntervalSeconds: 30 }, async () => {
    try {
      for (;;) {
        const outcome = await removePendingObjectDeletions(db, { limit: 500 });
        if (outcome.removed > 0 || outcome.failed > 0) logger.info("files.object_deletions", outcome);
        if (outcome.removed === 0 || outcome.failed > 0) break;
      }
    } catch (error) {
      logger.warn("files.object_deletions_failed", { error: error instanceof Error ? error.name : "unknown" });
    }
  });
}
