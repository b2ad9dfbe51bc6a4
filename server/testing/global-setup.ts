import postgres from "postgres";
import type { TestProject } from "vitest/node";
import { startEmbeddedDatabase } from "../../db/embedded";
import { migrateDatabase } from "../../db/migrate";
import { processEnvironment } from "../env.js";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    databasePoolMax: number;
    databaseKind: string;
  }
}

/**
 * Integration tests run on a real database: TEST_DB=pglite (default; the embedded path, no server needed)
 * or TEST_DB=postgres, which creates a fresh database next to TEST_DATABASE_URL and drops it afterwards.
 */
export default async function setup(project: TestProject) {
  const vars = processEnvironment();
  const kind = vars.TEST_DB ?? "pglite";
  if (kind === "pglite") {
    const embedded = await startEmbeddedDatabase();
    await migrateDatabase(embedded.url);
    project.provide("databaseUrl", embedded.url);
    project.provide("databasePoolMax", 1);
    project.provide("databaseKind", "pglite");
    return () => embedded.stop();
  }
  if (kind !== "postgres") throw new Error(`TEST_DB must be pglite or postgres, not ${kind}`);
  const adminUrl = vars.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error("TEST_DB=postgres needs TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test)");
  const name = `switchboard_test_${process.pid}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.unsafe(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  await migrateDatabase(url.toString());
  project.provide("databaseUrl", url.toString());
  project.provide("databasePoolMax", 5);
  project.provide("databaseKind", "postgres");
  return async () => {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  };
}
