import { createHash } from "node:crypto";
import { and, asc, eq, gt, isNull } from "drizzle-orm";
import type { DbOrTx } from "../../../db";
import { storedFiles } from "../../../db/schema";
import type { ObjectStore } from "../../storage/object-store";
import { storageKeyFor } from "./store-file";

export type MoveOutcome = { moved: number; failed: { id: string; reason: string }[]; remaining: number };

async function sha256Of(stream: AsyncIterable<unknown>): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of stream) hash.update(chunk as Uint8Array);
  return hash.digest("hex");
}

/**
 * Moves files whose bytes are in their stored_files row into object storage, one at a time (one file in memory),
 * in batches of ids. Each file: its bytes are checked against the row's sha256, written to the object, read back
 * and checked again; only then does one UPDATE set the key and clear the bytes — guarded on the row still holding
 * them, so a file deleted or moved meanwhile is left alone (and the object just written is removed). Interrupted
 * at any point, a second run goes on where it stopped: an object written without its row's update is simply
 * written again (its key depends only on the file). A file that fails a check stays in the database and is named.
 */
export async function moveFilesToObjectStorage(
  db: DbOrTx,
  store: ObjectStore,
  opts: { batchSize?: number; companyId?: string; onBatch?: (progress: { moved: number; failed: number }) => void } = {},
): Promise<MoveOutcome> {
  const batchSize = opts.batchSize ?? 100;
  let moved = 0;
  const failed: MoveOutcome["failed"] = [];
  let after = "00000000-0000-0000-0000-000000000000";
  for (;;) {
    const batch = await db
      .select({ id: storedFiles.id, companyId: storedFiles.companyId, mimeType: storedFiles.mimeType, sha256: storedFiles.sha256 })
      .from(storedFiles)
      .where(and(isNull(storedFiles.storageKey), gt(storedFiles.id, after), opts.companyId ? eq(storedFiles.companyId, opts.companyId) : undefined))
      .orderBy(asc(storedFiles.id))
      .limit(batchSize);
    if (batch.length === 0) break;
    for (const file of batch) {
      after = file.id;
      const [row] = await db.select({ data: storedFiles.data }).from(storedFiles).where(and(eq(storedFiles.id, file.id), isNull(storedFiles.storageKey)));
      if (!row?.data) continue; // deleted or moved since the batch was read
      if (createHash("sha256").update(row.data).digest("hex") !== file.sha256) {
        failed.push({ id: file.id, reason: "the bytes in the database do not match the file's sha256" });
        continue;
      }
      const key = storageKeyFor(file.companyId, file.id);
      try {
        await store.put(key, row.data, { contentType: file.mimeType });
        const copy = await store.get(key);
        if (!copy || (await sha256Of(copy)) !== file.sha256) {
          failed.push({ id: file.id, reason: "the stored object does not match the file's sha256" });
          await store.delete(key);
          continue;
        }
      } catch (error) {
        failed.push({ id: file.id, reason: `object storage: ${error instanceof Error ? error.name : "error"}` });
        continue;
      }
      const updated = await db
        .update(storedFiles)
        .set({ storageKey: key, data: null })
        .where(and(eq(storedFiles.id, file.id), isNull(storedFiles.storageKey)))
        .returning({ id: storedFiles.id });
      if (updated.length === 1) {
        moved++;
        continue;
      }
      // Deleted meanwhile: nothing points at the object. (Moved by another run: its row points at this key; keep it.)
      const [still] = await db.select({ id: storedFiles.id }).from(storedFiles).where(eq(storedFiles.id, file.id));
      if (!still) await store.delete(key);
    }
    opts.onBatch?.({ moved, failed: failed.length });
  }
  const remaining = await db.$count(storedFiles, and(isNull(storedFiles.storageKey), opts.companyId ? eq(storedFiles.companyId, opts.companyId) : undefined));
  return { moved, failed, remaining };
}
