import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { env } from "../server/env.js";
import * as schema from "./schema";

export type Database = PostgresJsDatabase<typeof schema>;
/** A transaction handle: services accept either, so callers can compose them in one transaction. */
export type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];
export type DbOrTx = Database | Tx;

type Handle = { db: Database; client: postgres.Sql };

const globalForDb = globalThis as unknown as { switchboardDb?: Handle };

/**
 * Reconnection while the database is away: postgres.js's default waits up to 20 s between attempts (3^n / 100 s),
 * and every query waits for the next attempt — webhooks hung 10–20 s during a 15 s outage. Attempts every
 * 0.25–0.5 s instead (an attempt on a stopped server is a refused connection: cheap), so a query fails within a
 * second while the server is down and works within half a second of its return.
 */
export const reconnectBackoffSeconds = (retries: number) => (0.5 + Math.random() / 2) * Math.min(0.05 * 2 ** retries, 0.5);

export function createDatabase(url: string, poolMax: number, opts: { connectTimeoutSeconds?: number } = {}): Handle {
  const client = postgres(url, {
    max: poolMax,
    // A server that does not answer at all (no refusal) costs at most this, not the driver's 30 s.
    connect_timeout: opts.connectTimeoutSeconds ?? 2,
    backoff: reconnectBackoffSeconds,
    onnotice: () => {},
    // The embedded PGlite server speaks the simple and extended protocols but keeps one session.
    prepare: poolMax > 1,
  });
  return { db: drizzle(client, { schema, casing: "snake_case" }), client };
}

function handle(): Handle {
  if (!globalForDb.switchboardDb) {
    const { DATABASE_URL, DATABASE_POOL_MAX, DATABASE_CONNECT_TIMEOUT_SECONDS } = env();
    if (!DATABASE_URL) {
      throw new Error(
        "DATABASE_URL is not set. Start the app with `npm run dev` (it starts the embedded database) or set DATABASE_URL.",
      );
    }
    globalForDb.switchboardDb = createDatabase(DATABASE_URL, DATABASE_POOL_MAX, { connectTimeoutSeconds: DATABASE_CONNECT_TIMEOUT_SECONDS });
  }
  return globalForDb.switchboardDb;
}

/** The app's database (postgres.js), created on first use so that builds never connect. */
export const db: Database = new Proxy({} as Database, {
  get(_target, prop) {
    const real = handle().db as unknown as Record<PropertyKey, unknown>;
    const value = real[prop];
    return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(real) : value;
  },
});

/**
 * A connection of its own for LISTEN, created afresh each time a listener (re)subscribes: a postgres.js client
 * whose LISTEN failed keeps the failed subscription, so the caller ends it and starts over rather than reuse it.
 */
export function createListenClient(): postgres.Sql {
  const { DATABASE_URL, DATABASE_CONNECT_TIMEOUT_SECONDS } = env();
  if (!DATABASE_URL) throw new Error("DATABASE_URL is not set");
  return postgres(DATABASE_URL, { max: 1, connect_timeout: DATABASE_CONNECT_TIMEOUT_SECONDS, backoff: reconnectBackoffSeconds, onnotice: () => {} });
}

/** The app's postgres.js pool itself, for libraries that take a query function (pg-boss's `db` option). */
export function databaseClient(): postgres.Sql {
  return handle().client;
}

export async function closeDatabase(): Promise<void> {
  const h = globalForDb.switchboardDb;
  globalForDb.switchboardDb = undefined;
  await h?.client.end({ timeout: 5 });
}

export { schema };
