import { fileURLToPath } from "node:url";
import path from "node:path";
import { sql } from "drizzle-orm";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import { createDatabase, type DbOrTx } from "./index";
import journal from "./migrations/meta/_journal.json";

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

/** The newest committed migration's timestamp (drizzle records it as `created_at` when it is applied). */
export const latestMigrationMillis: number = Math.max(...journal.entries.map((e) => e.when));

/**
 * How many committed migrations this database has not applied yet (0: up to date). Reads drizzle's journal
 * table; a database that was never migrated has none of them. For readiness checks: an instance of a newer
 * version is not ready until the database has its schema.
 */
export async function pendingMigrations(db: DbOrTx): Promise<number> {
  const exists = await db.execute<{ present: boolean }>(sql`select to_regclass('drizzle.__drizzle_migrations') is not null as present`);
  if (!exists[0]?.present) return journal.entries.length;
  const rows = await db.execute<{ last: string | null }>(sql`select max(created_at)::text as last from drizzle.__drizzle_migrations`);
  const last = Number(rows[0]?.last ?? 0);
  return journal.entries.filter((e) => e.when > last).length;
}
