import postgres from "postgres";
import { ADVISORY_LOCKS } from "../../db/migrate";

export type RealtimeClaim = { release(): Promise<void> };

/**
 * `npm start` without PUSHER_* runs a realtime server inside the instance, which only that instance's browsers
 * reach: a second such instance on the same database would split the company's live updates between them. The
 * instance that runs one holds a session-level advisory lock on a connection of its own for its lifetime; a second
 * one cannot take it and refuses to start. Chosen over a heartbeat row: no schema, nothing stale after a crash (the
 * server drops the lock with the connection), no clocks to compare. Needs a direct connection (a transaction-mode
 * pooler such as PgBouncer does not keep session locks). Returns null when another instance holds it.
 */
export async function claimEmbeddedRealtime(databaseUrl: string): Promise<RealtimeClaim | null> {
  const sql = postgres(databaseUrl, { max: 1, idle_timeout: 0, onnotice: () => {} });
  try {
    const [row] = await sql<{ claimed: boolean }[]>`select pg_try_advisory_lock(${ADVISORY_LOCKS.embeddedRealtime.toString()}::bigint) as claimed`;
    if (!row?.claimed) {
      await sql.end({ timeout: 5 });
      return null;
    }
  } catch (error) {
    await sql.end({ timeout: 5 }).catch(() => undefined);
    throw error;
  }
  return { release: () => sql.end({ timeout: 5 }) };
}

/** The warning `npm start` prints when it runs realtime inside the instance. */
export const EMBEDDED_REALTIME_WARNING = [
  "switchboard: WARNING ─ realtime runs inside this instance (no PUSHER_APP_ID set).",
  "  This is right for exactly ONE instance. With more, a browser connected to one instance misses what another publishes.",
  "  Fix: use Pusher Channels (PUSHER_APP_ID, PUSHER_KEY, PUSHER_SECRET, PUSHER_CLUSTER), or run `npm run realtime` once and set",
  "  PUSHER_APP_ID, PUSHER_KEY, PUSHER_SECRET, PUSHER_HOST, PUSHER_PORT (and PUSHER_USE_TLS=false without a TLS front) on every instance.",
  "  README: Production topology.",
].join("\n");
