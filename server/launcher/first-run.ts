import type { Database } from "../../db";
import { hasAnyCompany, seedDemoIfEmpty } from "../../db/seed";

/**
 * What an empty database gets at start. `npm run dev`: the demo company (its passwords are in the README).
 * `npm start`: nothing — no account with a known password ever exists in production; the first company and its
 * admin come from `npm run setup`, whose admin chooses their own password.
 */
export async function prepareFirstRun(db: Database, mode: "dev" | "start"): Promise<"demo_created" | "needs_setup" | "ready"> {
  if (mode === "dev") return (await seedDemoIfEmpty(db)) ? "demo_created" : "ready";
  return (await hasAnyCompany(db)) ? "ready" : "needs_setup";
}
