import { sql } from "drizzle-orm";
import type { DbOrTx } from "./index";
import journal from "./migrations/meta/_journal.json" with { type: "json" };

/**
 * How many committed migrations this database has not applied yet (0: up to date). Compares drizzle's journal
 * table (it records each applied migration's journal timestamp as `created_at`) with the committed journal; a
 * database that was never migrated has all of them pending. For readiness: an instance of a newer version is not
 * ready until the database has its schema. Apart from db/migrate.ts so that app routes need no migrator.
 */
export async function pendingMigrations(db: DbOrTx): Promise<number> {
  const exists = await db.execute<{ present: boolean }>(sql`select to_regclass('drizzle.__drizzle_migrations') is not null as present`);
  if (!exists[0]?.present) return journal.entries.length;
  const rows = await db.execute<{ last: string | null }>(sql`select max(created_at)::text as last from drizzle.__drizzle_migrations`);
  const last = Number(rows[0]?.last ?? 0);
  return journal.entries.filter((e) => e.when > last).length;
}
