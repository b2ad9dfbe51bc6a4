/**
 * Fault suite: PostgreSQL stopped and started under webhook load, on a throwaway cluster of its own (initdb into
 * a temporary directory, another port) — never the machine's shared server. The webhook front and the ingest
 * worker run as `npm start` runs them: processes of their own on that database.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDatabase } from "../../db";
import { isDatabaseUnavailable } from "../../db/errors";
import { migrateDatabase } from "../../db/migrate";
import { seedCompany } from "../../db/seed";
import { and, eq, sql } from "drizzle-orm";
import { contacts, conversations, messages } from "../../db/schema";
import { processEnvironment } from "../env.js";
import { prepareTelegramFake } from "../sandbox/prepare-telegram";
import { startTelegramFake } from "../sandbox/telegram-fake";
import { replyToConversation } from "../services/messages/reply-to-conversation";

const ROOT = path.resolve(import.meta.dirname, "../..");
const PG_BIN = ["/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/17/bin"].find((d) => existsSync(path.join(d, "initdb")));
// The integration suite runs on PGlite and on PostgreSQL; the outage needs PostgreSQL's own binaries, once.
const runs = inject("databaseKind") === "postgres" && PG_BIN !== undefined;

const asRoot = process.getuid?.() === 0;
/** initdb and postgres refuse to run as root: as the postgres user then. */
function pg(tool: string, args: string[]) {
  const cmd = path.join(PG_BIN!, tool);
  const result = asRoot ? spawnSync("runuser", ["-u", "postgres", "--", cmd, ...args], { encoding: "utf8" }) : spawnSync(cmd, args, { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`${tool} failed: ${result.stderr || result.stdout}`);
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  const port = (srv.address() as { port: number }).port;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

let dir = "";
let port = 0;
const start = () => pg("pg_ctl", ["-D", dir, "-l", path.join(dir, "log"), "-w", "-o", `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, "start"]);
const stop = () => pg("pg_ctl", ["-D", dir, "-w", "-m", "fast", "stop"]);
const url = () => `postgres://postgres@127.0.0.1:${port}/postgres`;

beforeAll(() => {
  if (!runs) return;
  dir = mkdtempSync(path.join(os.tmpdir(), "switchboard-outage-"));
  chmodSync(dir, 0o777);
  if (asRoot) spawnSync("chown", ["postgres", dir]);
  pg("initdb", ["-D", dir, "-A", "trust", "-U", "postgres", "--no-sync"]);
  return (async () => {
    port = await freePort();
    start();
  })();
}, 60_000);

afterAll(() => {
  if (!runs) return;
  try {
    stop();
  } catch {
    // already stopped by a failed test
  }
  rmSync(dir, { recursive: true, force: true });
});

function child(script: string, env: Record<string, string>): { proc: ChildProcess; output: () => string } {
  let output = "";
  const proc = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, script)], {
    cwd: ROOT,
    env: { ...processEnvironment(), DATABASE_URL: url(), LOG_LEVEL: "warn", JOBS_ENABLED: "false", ...env },
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  proc.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  proc.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  return { proc, output: () => output };
}

describe.runIf(runs)("the database stopped and started under webhook load", () => {
  it("a stopped database fails a query within a second or two rather than 10–20 s, and the same pool works again when it returns", { timeout: 60_000 }, async () => {
    await migrateDatabase(url());
    const { client } = createDatabase(url(), 4);
    try {
      await client`select 1`;
      stop();
      for (let i = 0; i < 15; i++) {
        const began = performance.now();
        const error = await client`select 1`.then(() => null, (e: unknown) => e);
        // A bound, not a speed target: postgres.js's default backoff made queries wait up to 20 s for a reconnect.
        expect(performance.now() - began).toBeLessThan(3_000);
        expect(isDatabaseUnavailable(error)).toBe(true);
        await sleep(200);
      }
      start();
      const back = performance.now();
      for (;;) {
        const ok = await client`select 1`.then(() => true, () => false);
        if (ok) break;
        expect(performance.now() - back).toBeLessThan(10_000);
        await sleep(100);
      }
    } finally {
      await client.end({ timeout: 1 });
    }
  });

  it("webhooks answer 503 at once while it is away and 200 after; every update becomes exactly one message; no process dies", { timeout: 120_000 }, async () => {
    await migrateDatabase(url());
    const { db, client } = createDatabase(url(), 2);
    const co = await seedCompany(db, { slug: `outage${Date.now()}`, name: "Outage Co" });
    const intake = child("server/testing/webhook-intake-server.ts", { INGEST_WORKER: "process", DATABASE_POOL_MAX: "4" });
    const worker = child("server/jobs/worker-process.ts", { DATABASE_POOL_MAX: "4" });
    const deaths: string[] = [];
    for (const c of [intake, worker]) c.proc.on("exit", (code, signal) => deaths.push(`exit ${code ?? signal}: ${c.output().slice(-2000)}`));
    try {
      const deadline = Date.now() + 20_000;
      while (!/listening (\d+)/.test(intake.output())) {
        if (Date.now() > deadline) throw new Error(`the webhook front did not start: ${intake.output()}`);
        await sleep(50);
      }
      const hookPort = Number(/listening (\d+)/.exec(intake.output())![1]);
      const hook = `http://127.0.0.1:${hookPort}/api/webhooks/telegram/${co.telegram.channelId}`;

      // Telegram's behaviour: each update is sent until it gets a 200, a few at a time, in update_id order per chat.
      const UPDATES = 240;
      const CHATS = 12;
      const pending = Array.from({ length: UPDATES }, (_, i) => ({ id: 700_000_000 + i, chat: 5_000 + (i % CHATS), text: `outage update ${i}` }));
      const slowest = { ms: 0 };
      const statuses = new Map<number, number>();
      const send = async (u: (typeof pending)[number]) => {
        const began = performance.now();
        const res = await fetch(hook, {
          method: "POST",
          headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": co.telegram.webhookSecret },
          body: JSON.stringify({ update_id: u.id, message: { message_id: u.id, date: Math.floor(Date.now() / 1000), chat: { id: u.chat, type: "private", first_name: "Olga" }, from: { id: u.chat, is_bot: false, first_name: "Olga" }, text: u.text } }),
          signal: AbortSignal.timeout(15_000),
        });
        slowest.ms = Math.max(slowest.ms, performance.now() - began);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        return res.status === 200;
      };
      let stoppedAt = 0;
      let restartedAt = 0;
      const outage = (async () => {
        await sleep(1_500);
        stop();
        stoppedAt = performance.now();
        await sleep(6_000);
        start();
        restartedAt = performance.now();
      })();
      // 8 in flight; an update that was not acknowledged is sent again after a short pause (as Telegram would).
      const queue = [...pending];
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          for (let u = queue.shift(); u; u = queue.shift()) {
            while (!(await send(u).catch(() => false))) await sleep(200);
            await sleep(20);
          }
        }),
      );
      await outage;
      expect(stoppedAt).toBeGreaterThan(0);
      // Refused quickly during the outage (Telegram gives a webhook a few seconds), never a hang.
      expect(statuses.get(503) ?? 0).toBeGreaterThan(0);
      expect(slowest.ms).toBeLessThan(4_000);

      // The worker process drains the backlog by itself once the database is back.
      const drainBy = Date.now() + 30_000;
      for (;;) {
        const [row] = await client<{ waiting: number; messages: number }[]>`
          select (select count(*)::int from inbound_events where channel_id = ${co.telegram.channelId} and status = 'received') as waiting,
                 (select count(*)::int from messages m join conversations c on c.id = m.conversation_id where c.company_id = ${co.companyId} and m.text like 'outage update %') as messages`;
        if (row!.waiting === 0 && row!.messages >= UPDATES) break;
        if (Date.now() > drainBy) throw new Error(`backlog not drained 30 s after the restart: ${JSON.stringify(row)}\n${worker.output().slice(-3000)}`);
        await sleep(250);
      }
      const texts = await client<{ text: string; n: number }[]>`
        select m.text, count(*)::int as n from messages m join conversations c on c.id = m.conversation_id
        where c.company_id = ${co.companyId} and m.text like 'outage update %' group by m.text`;
      expect(texts).toHaveLength(UPDATES);
      expect(texts.filter((t) => t.n !== 1)).toEqual([]);
      const dead = await client<{ n: number }[]>`select count(*)::int as n from inbound_events where channel_id = ${co.telegram.channelId} and status = 'failed'`;
      expect(dead[0]!.n).toBe(0);
      expect(deaths).toEqual([]);
      expect(restartedAt).toBeGreaterThan(stoppedAt);
      // The postgres.js driver carries the guard for its null-socket write (patches/), so a blip cannot kill a process.
      expect(readFileSync(path.join(ROOT, "node_modules/postgres/src/connection.js"), "utf8")).toContain("if (!socket) {");
    } finally {
      for (const c of [intake, worker]) if (c.proc.exitCode === null) c.proc.kill("SIGTERM");
      await client.end({ timeout: 1 });
    }
  });

  it("a reply Telegram accepted while the database was away is recorded as sent when it returns, and sent once", { timeout: 90_000 }, async () => {
    await migrateDatabase(url());
    const { db, client } = createDatabase(url(), 2);
    const telegram = await startTelegramFake();
    const co = await seedCompany(db, { slug: `reply${Date.now()}`, name: "Reply Co" });
    await prepareTelegramFake(db, telegram, "http://127.0.0.1:9");
    const runner = child("server/testing/job-runner-process.ts", { TELEGRAM_API_BASE_URL: telegram.url, JOBS_ENABLED: "true", DATABASE_POOL_MAX: "3" });
    const deaths: string[] = [];
    runner.proc.on("exit", (code, signal) => deaths.push(`exit ${code ?? signal}: ${runner.output().slice(-2000)}`));
    try {
      const [conversation] = await db
        .select({ id: conversations.id })
        .from(conversations)
        .innerJoin(contacts, eq(contacts.id, conversations.contactId))
        .where(and(eq(conversations.companyId, co.companyId), eq(contacts.channelId, co.telegram.channelId)))
        .limit(1);
      // Telegram takes the message but holds its answer until we let it go.
      telegram.slow({ botId: co.telegram.botToken.split(":")[0]!, method: "sendMessage" });
      const text = `Your parcel left the warehouse (${Date.now()})`;
      const { message } = await replyToConversation({ ctx: { db, companyId: co.companyId, actor: { kind: "user", userId: co.operators[0]!.id, role: "operator" } }, input: { conversationId: conversation!.id, text, fileIds: [] } });
      const heldBy = Date.now() + 20_000;
      while (!telegram.held.some((c) => c.params.text === text)) {
        if (Date.now() > heldBy) throw new Error(`the reply never reached Telegram: ${JSON.stringify(telegram.calls.map((c) => [c.method, c.params.text])).slice(0, 500)} ${JSON.stringify(await db.execute(sql`select status, last_error, attempts from outbound_sends`))} ${runner.output().slice(-2000)}`);
        await sleep(100);
      }
      stop();
      // Telegram answers 200 while the database is away: the runner holds the answer until it can record it.
      telegram.release();
      await sleep(2_500);
      start();
      const recordedBy = Date.now() + 30_000;
      for (;;) {
        const [row] = await db.select({ status: messages.deliveryStatus, reason: messages.failureReason }).from(messages).where(eq(messages.id, message.id)).catch(() => [undefined]);
        if (row?.status === "sent") break;
        if (Date.now() > recordedBy) throw new Error(`the reply is ${JSON.stringify(row)}, not sent: ${runner.output().slice(-3000)}`);
        await sleep(250);
      }
      expect(telegram.calls.filter((c) => c.method === "sendMessage" && c.params.text === text)).toHaveLength(1);
      expect(deaths).toEqual([]);
    } finally {
      if (runner.proc.exitCode === null) runner.proc.kill("SIGTERM");
      await telegram.close();
      await client.end({ timeout: 1 });
    }
  });
});
