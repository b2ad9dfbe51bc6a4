import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { startEmbeddedDatabase, type EmbeddedDatabase } from "../../db/embedded";
import { createDatabase, type Database } from "../../db";
import { migrateDatabase } from "../../db/migrate";
import { env, processEnvironment } from "../env.js";
import { serverRealtimeConfig } from "../realtime/config";
import { startEmbeddedPusher, type EmbeddedPusher } from "../realtime/embedded-server";

export type StackOptions = {
  mode: "dev" | "start";
  port: number;
  /** Overrides for the app's environment (tests point provider URLs at loopback fakes). */
  appEnv?: Record<string, string>;
  /** Where the embedded database lives when DATABASE_URL is unset; ":memory:" for a throwaway one. */
  dataDir?: string;
  /** Runs after migrations with a one-connection handle, before the app starts. */
  prepare?: (db: Database) => Promise<void>;
  log?: (line: string) => void;
};

export type Stack = { url: string; databaseUrl: string; stop(): Promise<void>; app: ChildProcess };

/**
 * Everything `npm run dev` needs on a bare machine: PostgreSQL if DATABASE_URL is set, otherwise PGlite
 * served over the wire protocol; migrations; the embedded Pusher-protocol server unless Pusher is
 * configured; then Next.js with DATABASE_URL pointing at whichever database it is.
 */
export async function startStack(opts: StackOptions): Promise<Stack> {
  const e = env();
  const log = opts.log ?? ((line: string) => console.log(line));
  let embeddedDb: EmbeddedDatabase | undefined;
  let embeddedPusher: EmbeddedPusher | undefined;
  let databaseUrl = e.DATABASE_URL;
  let poolMax = e.DATABASE_POOL_MAX;

  if (!databaseUrl) {
    const dataDir = opts.dataDir ?? path.join(e.DATA_DIR, "pglite");
    embeddedDb = await startEmbeddedDatabase(dataDir === ":memory:" ? {} : { dataDir });
    databaseUrl = embeddedDb.url;
    poolMax = 1;
    log(`switchboard: embedded PGlite database (${dataDir}) on 127.0.0.1:${embeddedDb.port}`);
  }

  await migrateDatabase(databaseUrl);
  if (opts.prepare) {
    const { db, client } = createDatabase(databaseUrl, 1);
    try {
      await opts.prepare(db);
    } finally {
      // PGlite takes one connection: release it before the app connects.
      await client.end({ timeout: 5 });
    }
  }

  if (!e.pusherConfigured) {
    // `npm start` runs the app with NODE_ENV=production: the server must use the production secret too.
    const c = serverRealtimeConfig({ production: opts.mode === "start" || e.NODE_ENV === "production" });
    embeddedPusher = await startEmbeddedPusher({ appId: c.appId, key: c.key, secret: c.secret, host: "127.0.0.1", port: c.port });
    log(`switchboard: embedded Pusher-protocol server on 127.0.0.1:${embeddedPusher.port}`);
  }

  const nextBin = path.join(process.cwd(), "node_modules", "next", "dist", "bin", "next");
  const app = spawn(process.execPath, [nextBin, opts.mode, "--port", String(opts.port)], {
    stdio: "inherit",
    env: {
      ...processEnvironment(),
      ...opts.appEnv,
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_MAX: String(poolMax),
      ...(opts.mode === "start" ? { NODE_ENV: "production" } : {}),
    },
  });

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (app.exitCode === null) {
      app.kill("SIGTERM");
      await new Promise((resolve) => {
        const timer = setTimeout(() => {
          app.kill("SIGKILL");
          resolve(undefined);
        }, 5000);
        app.once("exit", () => {
          clearTimeout(timer);
          resolve(undefined);
        });
      });
    }
    await embeddedPusher?.close();
    await embeddedDb?.stop();
  };
  return { url: `http://localhost:${opts.port}`, databaseUrl, stop, app };
}
