/**
 * What the inbox and live benchmarks share: a throwaway PostgreSQL database beside TEST_DATABASE_URL, the app's
 * configuration (set before any app module reads it; providers point at a closed loopback port), the production
 * build (built once), `next start` through the launcher's stack, a browser-like sign-in through next-auth's
 * credentials flow, tRPC GETs with superjson, percentiles and the result file. Loopback only.
 */
import { fork, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import postgres from "postgres";
import { processEnvironment } from "../env.js";

export const vars = processEnvironment();

export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => (typeof a === "object" && a ? resolve(a.port) : reject(new Error("no port"))));
    });
  });

const assertLoopback = (url: string) => {
  const host = new URL(url).hostname;
  if (!["127.0.0.1", "localhost", "[::1]"].includes(host)) throw new Error(`benchmarks only talk to loopback addresses, not ${host}`);
};

/** A database created beside TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test), dropped by `drop`. */
export async function throwawayDatabase(label: string) {
  const adminUrl = vars.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
  assertLoopback(adminUrl);
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  const name = `switchboard_bench_${label}_${process.pid}`;
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.unsafe(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    existed: false,
    drop: async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`).catch(() => undefined);
      await admin.end();
    },
  };
}

/** A database kept between runs (BENCH_KEEP_DB=1): created when missing (or `fresh`), never dropped; `existed` when reused. */
export async function keptDatabase(label: string, fresh = false) {
  const adminUrl = vars.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
  assertLoopback(adminUrl);
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  const name = `switchboard_bench_kept_${label}`;
  if (fresh) await admin.unsafe(`drop database if exists ${name} with (force)`);
  const [found] = await admin`select 1 as x from pg_database where datname = ${name}`;
  if (!found) await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), existed: Boolean(found), drop: async () => undefined };
}

/** The app's configuration for a run: production secrets of its own, nothing reaching a provider. */
export async function configureApp(databaseUrl: string, port: number) {
  const dead = "http://127.0.0.1:9";
  Object.assign(vars, {
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_MAX: "10",
    APP_URL: `http://127.0.0.1:${port}`,
    NEXTAUTH_URL: `http://127.0.0.1:${port}`,
    NEXTAUTH_SECRET: vars.NEXTAUTH_SECRET ?? "bench-secret-bench-secret-bench-secret-0001",
    ENCRYPTION_KEY: vars.ENCRYPTION_KEY ?? Buffer.alloc(32, 7).toString("base64"),
    LOG_LEVEL: "warn",
    TELEGRAM_API_BASE_URL: dead,
    META_GRAPH_API_BASE_URL: dead,
    VK_API_BASE_URL: dead,
    RESEND_BASE_URL: dead,
    CHANNEL_PROBE_INTERVAL_SECONDS: "3600",
    SANDBOX: "off",
  });
  vars.EMBEDDED_PUSHER_PORT = String(await freePort());
}

/** `next build` once (BENCH_REBUILD=1 builds again). */
export function ensureBuild() {
  if (vars.BENCH_REBUILD !== "1" && existsSync(path.join(process.cwd(), ".next", "BUILD_ID"))) return;
  console.log("bench: next build …");
  const built = spawnSync(process.execPath, [path.join(process.cwd(), "node_modules", "next", "dist", "bin", "next"), "build"], { stdio: "inherit", env: { ...vars, NODE_ENV: "production" } });
  if (built.status !== 0) throw new Error("next build failed");
}

/** The production build through the launcher's stack (mode "start"), once /api/health answers. */
export async function startApp(port: number) {
  const { startStack } = await import("../launcher/stack");
  const stack = await startStack({ mode: "start", port, log: () => {} });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    const up = await fetch(`${url}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return { url, stop: () => stack.stop() };
    await new Promise((r) => setTimeout(r, 300));
  }
  await stack.stop();
  throw new Error("the app did not answer /api/health within a minute");
}

/** Cookies as a browser keeps them: the latest value per name. */
class CookieJar {
  private readonly cookies = new Map<string, string>();
  take(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const at = pair!.indexOf("=");
      if (at > 0) this.cookies.set(pair!.slice(0, at).trim(), pair!.slice(at + 1).trim());
    }
  }
  header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
}

/**
 * Signs in like the browser's sign-in form: next-auth's CSRF token (and its cookie), then the credentials
 * callback; returns the Cookie header carrying the session.
 */
export async function signIn(appUrl: string, email: string, password: string): Promise<string> {
  assertLoopback(appUrl);
  const jar = new CookieJar();
  const csrf = await fetch(`${appUrl}/api/auth/csrf`);
  jar.take(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const callback = await fetch(`${appUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: jar.header() },
    body: new URLSearchParams({ csrfToken, email, password, callbackUrl: `${appUrl}/inbox`, json: "true" }),
  });
  jar.take(callback);
  const cookie = jar.header();
  const session = (await (await fetch(`${appUrl}/api/auth/session`, { headers: { cookie } })).json()) as { user?: { email?: string } };
  if (session.user?.email !== email) throw new Error(`sign-in as ${email} failed (callback answered ${callback.status})`);
  return cookie;
}

/** A tRPC query over HTTP as the client sends it (superjson); returns the data and the response's size in bytes. */
export async function trpcQuery<T = unknown>(appUrl: string, cookie: string, procedure: string, input?: unknown): Promise<{ data: T; bytes: number }> {
  const query = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
  const response = await fetch(`${appUrl}/api/trpc/${procedure}${query}`, { headers: { cookie } });
  const body = await response.text();
  if (!response.ok) throw new Error(`${procedure} answered ${response.status}: ${body.slice(0, 200)}`);
  return { data: (JSON.parse(body) as { result: { data: { json: T } } }).result.data.json, bytes: Buffer.byteLength(body) };
}

export function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

export function writeResult(name: string, result: unknown) {
  const out = path.join(vars.DATA_DIR ?? ".data", "bench");
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, `${name}.json`), `${JSON.stringify(result, null, 2)}\n`);
}

/**
 * Runs one size of a benchmark in a child process of its own (its own memory and connection pools), passing the
 * size in `sizeVar`, and resolves with what the child sends back.
 */
export function runSizeInChild<T>(file: string, sizeVar: string, label: string, bench: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = fork(file, [], { execArgv: ["--import", "tsx"], env: { ...vars, [sizeVar]: label }, stdio: ["ignore", "inherit", "inherit", "ipc"] });
    let result: T | undefined;
    child.on("message", (m: T) => (result = m));
    child.on("exit", (code) => (result ? resolve(result) : reject(new Error(`${bench} ${label} exited with ${code}`))));
  });
}
