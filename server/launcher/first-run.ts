import type { Database } from "../../db";
import { hasAnyCompany, seedDemoIfEmpty } from "../../db/seed";
import { emailOpenIncidents } from "../services/sandbox/email-open-incidents";

/**
 * What an empty database gets at start. `npm run dev`: the demo company (its passwords are in the README), with
 * the emails its lost channels sent. `npm start`: nothing — no account with a known password ever exists in
 * production; the first company and its admin come from `npm run setup`, whose admin chooses their own password.
 */
export async function prepareFirstRun(db: Database, mode: "dev" | "start"): Promise<"demo_created" | "needs_setup" | "ready"> {
  if (mode === "dev") {
    if (!(await seedDemoIfEmpty(db))) return "ready";
    await emailOpenIncidents(db);
    return "demo_created";
  }
  return (await hasAnyCompany(db)) ? "ready" : "needs_setup";
}
