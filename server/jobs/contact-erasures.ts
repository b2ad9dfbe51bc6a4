import type PgBoss from "pg-boss";
import type { Database } from "../../db";
import { setContactErasureWake } from "../queue/contact-erasure-wake";
import { runContactErasure, unfinishedContactErasures } from "../services/contacts/erase-contact";
import { startRowJobs } from "./row-jobs";

export const ERASURE_QUEUE = "erase-contact";

/**
 * Contact erasures as durable row jobs (server/jobs/row-jobs.ts), one per contact_erasures row. The job names the
 * erasure request, never the contact (pg-boss keeps finished jobs for a while); runContactErasure is idempotent.
 */
export function startContactErasures(boss: PgBoss, db: Database, opts: { sweep?: boolean } = {}) {
  return startRowJobs(
    boss,
    db,
    {
      queue: ERASURE_QUEUE,
      idKey: "erasureId",
      expireSeconds: 15 * 60,
      logAs: "contacts.erasure",
      run: async (id, deps) => ({ status: (await runContactErasure(id, deps)).status }),
      unfinished: unfinishedContactErasures,
      setWake: setContactErasureWake,
    },
    opts,
  );
}
