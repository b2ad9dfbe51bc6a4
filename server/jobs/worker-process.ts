/**
 * The ingest worker in a process of its own (INGEST_WORKER=process, started by the launcher on PostgreSQL):
 * stored webhook events become messages here, so the web server's event loop only verifies, stores and
 * acknowledges. Woken by the routes' NOTIFY (LISTEN on its own connection) and a short poll; post-commit jobs
 * (realtime publish, attachments, profiles) run here too. SIGTERM stops it after the batch in hand commits; a
 * crash loses nothing (the events stay stored and another worker, or this one restarted, takes them).
 */
import { closeDatabase } from "../../db";
import { env } from "../env.js";
import { logger } from "../log";
import { startIngestWorker, stopIngestWorker } from "./ingest-worker";

const e = env();
await startIngestWorker(e.DATABASE_POOL_MAX, {}, true);
process.send?.({ ready: true });

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  void stopIngestWorker()
    .then(() => closeDatabase())
    .catch((error: unknown) => logger.error("ingest.stop_failed", { error }))
    .finally(() => process.exit(0));
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
// The launcher went away without a word: do not outlive it.
process.on("disconnect", stop);
