import { fork, spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { startEmbeddedDatabase, type EmbeddedDatabase } from "../../db/embedded";
import { createDatabase, type Database } from "../../db";
import { migrateDatabase } from "../../db/migrate";
import { env, processEnvironment } from "../env.js";
import { serverRealtimeConfig } from "../realtime/config";
import { startEmbeddedPusher, type EmbeddedPusher } from "../realtime/embedded-server";
import { warnIfFilesNeedMissingObjectStorage } from "../storage/unreachable-files";
import { claimEmbeddedRealtime, EMBEDDED_REALTIME_WARNING, type RealtimeClaim } from "./realtime-guard";

/** How long the launcher gives the web server to stop on its own before killing it (its own bounds total ~30 s). */
export const APP_STOP_GRACE_MS = 40_000;

export type StackOptions = {
  mode: "dev" | "start";
  port: number;
  /** Overrides for the app's environment (tests point provider URLs at loopback fakes). */
  appEnv?: Record<string, string>;
  /** Where the embedded database lives when DATABASE_URL is unset; ":memory:" for a throwaway one. */
  dataDir?: string;
  /** Runs after migrations (and the start-up checks) with a one-connection handle, before the app starts. */
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
  {
    const { db, client } = createDatabase(databaseUrl, 1);
    try {
      // Files moved to object storage whose S3_* settings were removed since: they answer 503 until set back.
      await warnIfFilesNeedMissingObjectStorage(db, log);
      if (opts.prepare) await opts.prepare(db);
    } finally {
      // PGlite takes one connection: release it before the app connects.
      await client.end({ timeout: 5 });
    }
  }

  let realtimeClaim: RealtimeClaim | undefined;
  if (!e.pusherConfigured && opts.mode === "start") {
    log(EMBEDDED_REALTIME_WARNING);
    // On PostgreSQL more instances may share the database: only one may run realtime inside itself (realtime-guard.ts).
    if (!embeddedDb) {
      const claim = await claimEmbeddedRealtime(databaseUrl);
      if (!claim) {
        throw new Error(
          "another `npm start` instance with realtime inside it is already running against this database; a second one would split live updates. " +
            "Run `npm run realtime` once and set PUSHER_APP_ID, PUSHER_KEY, PUSHER_SECRET, PUSHER_HOST, PUSHER_PORT on every instance, or use Pusher Channels (README: Production topology).",
        );
      }
      realtimeClaim = claim;
    }
  }
  if (!e.pusherConfigured) {
    // `npm start` runs the app with NODE_ENV=production: the server must use the production secret too.
    const c = serverRealtimeConfig({ production: opts.mode === "start" || e.NODE_ENV === "production" });
    // Every socket must sign in as a session (as hosted Pusher's "authorized connections"), so an ended session's can be closed.
    embeddedPusher = await startEmbeddedPusher({ appId: c.appId, key: c.key, secret: c.secret, host: "127.0.0.1", port: c.port, requireSignin: true });
    log(`switchboard: embedded Pusher-protocol server on 127.0.0.1:${embeddedPusher.port}`);
  }

  const childEnv: NodeJS.ProcessEnv = {
    ...processEnvironment(),
    ...opts.appEnv,
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_MAX: String(poolMax),
    ...(opts.mode === "start" ? { NODE_ENV: "production" } : {}),
  };
  // `npm start` on PostgreSQL: the ingest worker gets a process (and a pool) of its own, so acknowledgements never
  // wait behind processing on one event loop. Not on PGlite (one connection) nor in `npm run dev` (code reloads
  // reach the web server only); INGEST_WORKER=app keeps it in the web server.
  const ownWorker = opts.mode === "start" && !embeddedDb && e.JOBS_ENABLED && processEnvironment().INGEST_WORKER !== "app";
  if (ownWorker) childEnv.INGEST_WORKER = "process";

  let stopped = false;
  let worker: ChildProcess | undefined;
  const startWorker = () => {
    const child = fork(path.join(import.meta.dirname, "..", "jobs", "worker-process.ts"), [], {
      execArgv: ["--import", "tsx"],
      env: childEnv,
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    worker = child;
    child.once("exit", (code, signal) => {
      if (stopped) return;
      // It never stops on its own: say so and start another (stored events wait for it, nothing is lost).
      log(`switchboard: the ingest worker exited (${signal ?? code}); starting it again`);
      setTimeout(() => void (!stopped && startWorker().catch(() => undefined)), 1000).unref();
    });
    return new Promise<void>((resolve, reject) => {
      child.once("message", () => resolve());
      child.once("exit", () => reject(new Error("the ingest worker exited during start")));
    });
  };
  if (ownWorker) {
    await startWorker();
    log("switchboard: ingest worker in its own process");
  }

  // `npm start`: the production build behind our own node:http server (webhooks answered before Next.js's
  // pipeline, app-server.ts); `npm run dev`: next dev, with its reloads.
  const nextBin = path.join(process.cwd(), "node_modules", "next", "dist", "bin", "next");
  const args =
    opts.mode === "start"
      ? ["--import", "tsx", path.join(import.meta.dirname, "app-server.ts"), String(opts.port)]
      : [nextBin, "dev", "--port", String(opts.port)];
  const app = spawn(process.execPath, args, { stdio: "inherit", env: childEnv });

  // Each child's own shutdown is bounded (app-server.ts: requests 10 s, then sends up to 20 s and pg-boss jobs up
  // to 15 s side by side; the worker: its batch in hand); these are the last resort beyond those bounds.
  const stopChild = async (child: ChildProcess | undefined, graceMs: number) => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    await new Promise((resolve) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        resolve(undefined);
      }, graceMs);
      child.once("exit", () => {
        clearTimeout(timer);
        resolve(undefined);
      });
    });
  };

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    // Both at once: the web server stops taking webhooks while the worker finishes its batch; what is stored and not
    // yet processed waits for the next worker.
    await Promise.all([stopChild(worker, 15_000), stopChild(app, APP_STOP_GRACE_MS)]);
    await embeddedPusher?.close();
    await realtimeClaim?.release();
    await embeddedDb?.stop();
  };
  return { url: `http://localhost:${opts.port}`, databaseUrl, stop, app };
}
