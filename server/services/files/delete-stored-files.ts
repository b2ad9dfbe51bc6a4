import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db";
import { storedFileObjectDeletions, storedFiles } from "../../../db/schema";
import { logger } from "../../log";
import { objectStore } from "../../storage/object-store";

/** A drizzle transaction handle has rollback(); the database itself does not. */
const isTransaction = (db: DbOrTx) => "rollback" in db;

/**
 * Deletes a company's stored files: their rows, and their bytes wherever they live. Returns how many rows went.
 *
 * Bytes in a row go with it. An object in object storage is removed only after the deletion has committed: the
 * rows' deletion writes each object's key into stored_file_object_deletions in the same transaction, so a rolled-
 * back deletion removes nothing, and a committed one cannot lose track of its objects. Called outside a transaction
 * this function commits its own and removes the objects at once; inside the caller's transaction it cannot see the
 * commit, so the objects are removed by `removePendingObjectDeletions` — which the caller may run right after its
 * commit, and which the job runner runs every few minutes anyway (also retrying removals that failed).
 */
export async function deleteStoredFiles(db: DbOrTx, companyId: string, fileIds: string[]): Promise<number> {
  const ids = [...new Set(fileIds)];
  if (ids.length === 0) return 0;
  const run = async (tx: DbOrTx) => {
    const rows = await tx
      .delete(storedFiles)
      .where(and(eq(storedFiles.companyId, companyId), inArray(storedFiles.id, ids)))
      .returning({ storageKey: storedFiles.storageKey });
    const keys = rows.flatMap((r) => (r.storageKey ? [r.storageKey] : []));
    if (keys.length > 0) await tx.insert(storedFileObjectDeletions).values(keys.map((storageKey) => ({ storageKey }))).onConflictDoNothing();
    return { deleted: rows.length, keys };
  };
  if (isTransaction(db)) return (await run(db)).deleted;
  const { deleted, keys } = await db.transaction(run);
  if (keys.length > 0) await removePendingObjectDeletions(db, { keys });
  return deleted;
}

/**
 * Removes objects whose rows are gone (stored_file_object_deletions), oldest first; each key's entry goes once
 * its object is gone, and a failed removal is counted and left for the next pass. Removing the same key twice
 * (two instances at once) is harmless: S3 answers a deletion of a missing object with success.
 */
export async function removePendingObjectDeletions(db: DbOrTx, opts: { keys?: string[]; limit?: number } = {}): Promise<{ removed: number; failed: number }> {
  const store = objectStore();
  const pending = await db
    .select({ storageKey: storedFileObjectDeletions.storageKey })
    .from(storedFileObjectDeletions)
    .where(opts.keys ? inArray(storedFileObjectDeletions.storageKey, opts.keys) : undefined)
    .orderBy(asc(storedFileObjectDeletions.createdAt))
    .limit(opts.limit ?? 500);
  if (pending.length === 0) return { removed: 0, failed: 0 };
  if (!store) {
    logger.warn("files.object_deletions_waiting", { count: pending.length, reason: "S3_BUCKET is not configured" });
    return { removed: 0, failed: pending.length };
  }
  let removed = 0;
  let failed = 0;
  for (const { storageKey } of pending) {
    try {
      await store.delete(storageKey);
      await db.delete(storedFileObjectDeletions).where(eq(storedFileObjectDeletions.storageKey, storageKey));
      removed++;
    } catch (error) {
      failed++;
      logger.warn("files.object_delete_failed", { storageKey, error: error instanceof Error ? error.name : "unknown" });
      await db
        .update(storedFileObjectDeletions)
        .set({ attempts: sql`${storedFileObjectDeletions.attempts} + 1` })
        .where(eq(storedFileObjectDeletions.storageKey, storageKey))
        .catch(() => undefined);
    }
  }
  return { removed, failed };
}
