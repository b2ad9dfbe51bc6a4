import postgres from "postgres";
import { describe, expect, inject, it } from "vitest";
import { db } from "./index";
import { migrateDatabase, pendingMigrations } from "./migrate";
import journal from "./migrations/meta/_journal.json" with { type: "json" };

const onPostgres = inject("databaseKind") === "postgres";

/** A fresh, empty database next to the test database, dropped afterwards. */
async function withThrowawayDatabase(run: (url: string) => Promise<void>) {
  const base = inject("databaseUrl");
  const name = `switchboard_migrate_${process.pid}_${Date.now()}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  try {
    await run(url.toString());
  } finally {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

describe("migrations", () => {
  it.runIf(onPostgres)("three instances starting at once on an empty database apply each migration exactly once", async () => {
    await withThrowawayDatabase(async (url) => {
      const results = await Promise.allSettled([migrateDatabase(url), migrateDatabase(url), migrateDatabase(url)]);
      expect(results.map((r) => (r.status === "rejected" ? String(r.reason) : "ok"))).toEqual(["ok", "ok", "ok"]);

      const sql = postgres(url, { max: 1, onnotice: () => {} });
      try {
        const rows = await sql<{ created_at: string }[]>`select created_at::text from drizzle.__drizzle_migrations order by id`;
        expect(rows.map((r) => Number(r.created_at))).toEqual(journal.entries.map((e) => e.when));
        // The schema is really there (the last migration's column), not only the journal.
        const [tz] = await sql`select 1 from information_schema.columns where table_name = 'companies' and column_name = 'time_zone'`;
        expect(tz).toBeDefined();
      } finally {
        await sql.end();
      }
    });
  });

  it.runIf(onPostgres)("a database that was never migrated has every migration pending, then none", async () => {
    await withThrowawayDatabase(async (url) => {
      const { createDatabase } = await import("./index");
      const handle = createDatabase(url, 1);
      try {
        expect(await pendingMigrations(handle.db)).toBe(journal.entries.length);
        await migrateDatabase(url);
        expect(await pendingMigrations(handle.db)).toBe(0);
        // One more migration committed than applied: the newest one is pending again.
        await handle.client`delete from drizzle.__drizzle_migrations where created_at = (select max(created_at) from drizzle.__drizzle_migrations)`;
        expect(await pendingMigrations(handle.db)).toBe(1);
      } finally {
        await handle.client.end();
      }
    });
  });

  it("the test database has no pending migration", async () => {
    expect(await pendingMigrations(db)).toBe(0);
  });
});
