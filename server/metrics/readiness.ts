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
  | { ok: true; database: { reachable: true }; migrations: { pending: 0 }; files: { storage: "not_configured"; reason: string } };

/**
 * Ready: the database answers within a second and has every committed migration applied. Files in object storage
 * while this instance has none configured (S3_* settings removed) are reported with the reason but leave it ready:
 * the inbox, webhooks and every other file still work, and taking every instance out of the load balancer over
 * the files it cannot serve would stop all of that too (the switchboard_files_unreachable gauge is for alerting).
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
    return { ok: true, database: { reachable: true }, migrations: { pending: 0 }, files: { storage: "not_configured", reason } };
  }
  return { ok: true, database: { reachable: true }, migrations: { pending: 0 } };
}
