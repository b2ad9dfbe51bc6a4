import { db } from "../../db";
import { withDeadline } from "../../db/deadline";
import { isDatabaseUnavailable } from "../../db/errors";
import { pendingMigrations } from "../../db/migration-state";
import { filesNeedMissingObjectStorage } from "../storage/unreachable-files";

const READINESS_DEADLINE_MS = 1_000;

export type Readiness =
  | { ok: true; database: { reachable: true }; migrations: { pending: 0 } }
  | { ok: false; database: { reachable: false; reason: "unreachable" | "failing" } }
  | { ok: false; database: { reachable: true }; migrations: { pending: number } }
  | { ok: false; database: { reachable: true }; migrations: { pending: 0 }; files: { storage: "not_configured"; reason: string } };

/**
 * Ready: the database answers within a second, has every committed migration applied, and every stored file can be
 * served — not when files are in object storage and this instance has none configured (S3_* settings removed).
 */
export async function readiness(): Promise<Readiness> {
  let pending: number;
  let filesUnreachable = false;
  try {
    // The files are asked about only on an up-to-date schema (an older one may not have the table yet).
    [pending, filesUnreachable] = await withDeadline(
      (async () => {
        const p = await pendingMigrations(db);
        return [p, p === 0 && (await filesNeedMissingObjectStorage(db))] as const;
      })(),
      READINESS_DEADLINE_MS,
      "readiness check",
    );
  } catch (error) {
    return { ok: false, database: { reachable: false, reason: isDatabaseUnavailable(error) ? "unreachable" : "failing" } };
  }
  if (pending > 0) return { ok: false, database: { reachable: true }, migrations: { pending } };
  if (filesUnreachable) {
    const reason = "file storage is not configured: files are in object storage and S3_BUCKET is not set";
    return { ok: false, database: { reachable: true }, migrations: { pending: 0 }, files: { storage: "not_configured", reason } };
  }
  return { ok: true, database: { reachable: true }, migrations: { pending: 0 } };
}
