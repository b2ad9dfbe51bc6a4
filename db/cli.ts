import path from "node:path";
import { env } from "../server/env.js";
import { startEmbeddedDatabase } from "./embedded";

/** Runs `task` against DATABASE_URL, or against the embedded database when it is unset. */
export async function withDatabaseUrl(task: (url: string) => Promise<void>): Promise<void> {
  const { DATABASE_URL, DATA_DIR } = env();
  if (DATABASE_URL) return task(DATABASE_URL);
  const embedded = await startEmbeddedDatabase({ dataDir: path.join(DATA_DIR, "pglite") });
  try {
    await task(embedded.url);
  } finally {
    await embedded.stop();
  }
}
