import { sql } from "drizzle-orm";
import { db } from "../../db";
import { logger } from "../log";

/** The PostgreSQL channel on which ingest workers are woken across processes and instances. */
export const INGEST_CHANNEL = "switchboard_ingest";

/**
 * Rings every ingest worker on the database (pg_notify), coalesced: at most one NOTIFY in flight and one more
 * queued, whatever the webhook rate. `sender` lets a worker ignore its own ring.
 */
export function ingestNotifier(sender: string): { notify(): void; stop(): void } {
  let inFlight = false;
  let pending = false;
  let stopped = false;
  const notify = (): void => {
    if (stopped) return;
    if (inFlight) {
      pending = true;
      return;
    }
    inFlight = true;
    void db
      .execute(sql`select pg_notify(${INGEST_CHANNEL}, ${sender})`)
      .catch((error: unknown) => logger.warn("ingest.notify_failed", { error }))
      .finally(() => {
        inFlight = false;
        if (pending) {
          pending = false;
          notify();
        }
      });
  };
  return { notify, stop: () => void (stopped = true) };
}
