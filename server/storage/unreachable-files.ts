import { isNotNull } from "drizzle-orm";
import type { DbOrTx } from "../../db";
import { storedFiles } from "../../db/schema";
import { OBJECT_STORAGE_SETTINGS, objectStore } from "./object-store";

/**
 * Whether files are in object storage while this process has none configured: files were moved to a bucket
 * (`npm run files:move`, or new files on an instance with S3_BUCKET) and the S3_* settings were removed since. Those
 * files cannot be served until the settings are back. Across all companies: it is the instance's configuration
 * that is asked about, and no company's data is returned. One index lookup (stored_files_in_object_storage_idx).
 */
export async function filesNeedMissingObjectStorage(db: DbOrTx): Promise<boolean> {
  if (objectStore()) return false;
  const [row] = await db.select({ id: storedFiles.id }).from(storedFiles).where(isNotNull(storedFiles.storageKey)).limit(1);
  return row !== undefined;
}

/** What `npm start` and `npm run dev` print at start when they find that state. */
export const OBJECT_STORAGE_MISSING_WARNING = [
  "switchboard: WARNING ─ files are in object storage, but object storage is not configured (no S3_BUCKET set).",
  "  Those files cannot be downloaded (503, \"file storage is not configured\") and /api/health/ready answers 503 until it is.",
  `  Fix: set ${OBJECT_STORAGE_SETTINGS} — the values the files were stored with — on every instance, and restart.`,
  "  README: Production topology → Files.",
].join("\n");

/** At start: says so once, loudly, when files need the object storage this process does not have. */
export async function warnIfFilesNeedMissingObjectStorage(db: DbOrTx, log: (line: string) => void): Promise<boolean> {
  const missing = await filesNeedMissingObjectStorage(db);
  if (missing) log(OBJECT_STORAGE_MISSING_WARNING);
  return missing;
}
