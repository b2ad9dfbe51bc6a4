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

export function createDatabase(url: string, poolMax: number): Handle {
  const client = postgres(url, {
    max: poolMax,
    onnotice: () => {},
    // The embedded PGlite server speaks the simple and extended protocols but keeps one session.
    prepare: poolMax > 1,
  });
  return { db: drizzle(client, { schema, casing: "snake_case" }), client };
}

function handle(): Handle {
  if (!globalForDb.switchboardDb) {
    const { DATABASE_URL, DATABASE_POOL_MAX } = env();
    if (!DATABASE_URL) {
      throw new Error(
        "DATABASE_URL is not set. Start the app with `npm run dev` (it starts the embedded database) or set DATABASE_URL.",
      );
    }
    globalForDb.switchboardDb = createDatabase(DATABASE_URL, DATABASE_POOL_MAX);
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
