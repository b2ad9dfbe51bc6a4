import { db } from "../../db";
import { withDeadline } from "../../db/deadline";
import { isDatabaseUnavailable } from "../../db/errors";
import { pendingMigrations } from "../../db/migration-state";

const READINESS_DEADLINE_MS = 1_000;

export type Readiness =
  | { ok: true; database: { reachable: true }; migrations: { pending: 0 } }
  | { ok: false; database: { reachable: false; reason: "unreachable" | "failing" } }
  | { ok: false; database: { reachable: true }; migrations: { pending: number } };

/** Ready: the database answers within a second and has every committed migration applied. */
export async function readiness(): Promise<Readiness> {
  let pending: number;
  try {
    pending = await withDeadline(pendingMigrations(db), READINESS_DEADLINE_MS, "readiness check");
  } catch (error) {
    return { ok: false, database: { reachable: false, reason: isDatabaseUnavailable(error) ? "unreachable" : "failing" } };
  }
  if (pending > 0) return { ok: false, database: { reachable: true }, migrations: { pending } };
  return { ok: true, database: { reachable: true }, migrations: { pending: 0 } };
}
