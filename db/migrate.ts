import { fileURLToPath } from "node:url";
import path from "node:path";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import { createDatabase } from "./index";

export const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), "migrations");

/**
 * Session-level advisory lock keys (one 64-bit space per database, shared with nothing else of ours). Fixed
 * numbers, so every instance of every version agrees on them.
 */
export const ADVISORY_LOCKS = {
  /** Held while migrations are applied: instances started together migrate one after another. */
  migrations: 0x5377_6d69_6772n, // "Swmigr"
  /** Held for its lifetime by an `npm start` instance that runs its own embedded realtime server. */
  embeddedRealtime: 0x5377_7274_696dn, // "Swrtim"
} as const;

/**
 * Applies the committed drizzle-kit migrations. Same code for PostgreSQL and the embedded PGlite server.
 *
 * N instances started at once on an empty database apply each migration exactly once: the work runs under a
 * session-level advisory lock taken on the migration's own connection (a pool of one, so the lock, drizzle's
 * journal read and its transaction share a session). The first instance migrates; the others wait for the lock,
 * then read a journal that is up to date and apply nothing. The lock goes with the connection, so a process that
 * dies mid-way cannot leave it held. On embedded PGlite there is only one instance: the lock is uncontended.
 */
export async function migrateDatabase(url: string): Promise<void> {
  const { db, client } = createDatabase(url, 1);
  try {
    await client`select pg_advisory_lock(${ADVISORY_LOCKS.migrations.toString()}::bigint)`;
    try {
      await migrate(db, { migrationsFolder });
    } finally {
      await client`select pg_advisory_unlock(${ADVISORY_LOCKS.migrations.toString()}::bigint)`.catch(() => undefined);
    }
  } finally {
    await client.end({ timeout: 5 });
  }
}

export { pendingMigrations } from "./migration-state";
