/**
 * Reliability: two app instances on one database, and a worker killed in the middle of a batch.
 *
 * - Two ingest workers over one backlog of stored Telegram updates from many chats → every update is exactly
 *   one message, each chat's messages were written in update_id order, no event is processed twice.
 * - A worker process killed (SIGKILL) while its batch holds its chats' advisory locks → its transaction rolls
 *   back, the locks go with its connection, and a normal pass then loses and duplicates nothing.
 * - Two send workers over queued replies → each reply reaches Telegram exactly once.
 *
 * The services use the app's one database handle (db/index), so the second instance is a real second
 * process (node + tsx, like `npm start`) with its own postgres.js pool on the same database: the same code,
 * nothing shared with this process but the database. On PGlite (one connection, one session) no second
 * instance can connect: there, only the in-process lanes racing over one connection are checked.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createDatabase, db } from "../../../db";
import { inboundEvents, messages, outboundSends } from "../../../db/schema";
import { processEnvironment } from "../../env.js";
import { ingestNotifier } from "../../jobs/ingest-notify";
import { callerFor, seedTestCompany } from "../../testing/factories";
import { telegramFake } from "../../testing/setup";
import { TELEGRAM_SECRET_HEADER, handleTelegramWebhook } from "../../webhooks/telegram";
import { deliverDueSends } from "../sends/deliver-due-sends";
import { dueStreams, processStoredEvents, processStreams } from "./process-inbound-event";

const onPostgres = inject("databaseKind") === "postgres";
const ROOT = path.resolve(import.meta.dirname, "../../..");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// A second, independent pool on the same database: observes the other instance's backends and locks.
const second = onPostgres ? createDatabase(inject("databaseUrl"), 5) : undefined;
afterAll(async () => {
  await second?.client.end({ timeout: 5 });
});

type Company = Awaited<ReturnType<typeof seedTestCompany>>;
type Update = { updateId: number; chat: number; text: string };

/** A backlog: `chats` chats with `perChat` updates each, acknowledged (stored) but not processed. */
async function storeBacklog(co: Company, chats: number, perChat: number, base: number): Promise<Update[]> {
  const updates: Update[] = [];
  for (let c = 0; c < chats; c++) {
    for (let i = 0; i < perChat; i++) {
      const updateId = base + i * chats + c;
      updates.push({ updateId, chat: 700_000_000 + base + c, text: `chat ${c} update ${updateId}` });
    }
  }
  // Arrival order differs from provider order: each chat's updates arrive newest first.
  const arrival = [...updates].sort((a, b) => b.updateId - a.updateId);
  const responses = await Promise.all(
    arrival.map(async (u) => {
      const body = {
        update_id: u.updateId,
        message: {
          message_id: u.updateId,
          from: { id: u.chat, is_bot: false, first_name: `Chat ${u.chat}` },
          chat: { id: u.chat, first_name: `Chat ${u.chat}`, type: "private" },
          date: 1767225600 + (u.updateId - base),
          text: u.text,
        },
      };
      const request = new Request(`http://localhost/api/webhooks/telegram/${co.telegram.channelId}`, {
        method: "POST",
        headers: { "content-type": "application/json", [TELEGRAM_SECRET_HEADER]: co.telegram.webhookSecret },
        body: JSON.stringify(body),
      });
      // Acknowledged only: the after-acknowledgement processing is left to the workers under test.
      const outcome = await handleTelegramWebhook(co.telegram.channelId, request);
      return outcome.response.status;
    }),
  );
  expect(responses.every((s) => s === 200)).toBe(true);
  const [{ waiting }] = (await db.execute<{ waiting: number }>(
    sql`select count(*)::int as waiting from ${inboundEvents} where channel_id = ${co.telegram.channelId} and status = 'received'`,
  )) as unknown as [{ waiting: number }];
  expect(waiting).toBe(updates.length);
  return updates;
}

/** One ingest lane as the worker runs it: take due chats, process them, until nothing is due for a moment. */
async function ingestLoop(): Promise<number> {
  let done = 0;
  let idle = 0;
  while (idle < 5) {
    const keys = await dueStreams(16);
    if (keys.length === 0) {
      idle++;
      await sleep(20);
      continue;
    }
    idle = 0;
    done += await processStreams(keys, { maxEvents: 64 });
  }
  return done;
}

/** Every update is exactly one message, written in update_id order per chat; every event processed once. */
async function expectExactlyOnce(co: Company, updates: Update[]) {
  const events = await db
    .select({ status: inboundEvents.status, attempts: inboundEvents.attempts })
    .from(inboundEvents)
    .where(eq(inboundEvents.channelId, co.telegram.channelId));
  expect(events).toHaveLength(updates.length);
  // A second processing of an event would have bumped its attempts past 1.
  expect(events.filter((e) => e.status !== "processed" || e.attempts !== 1)).toEqual([]);

  const rows = await db
    .select({ text: messages.text, providerMessageId: messages.providerMessageId, createdAt: messages.createdAt, id: messages.id })
    .from(messages)
    // The backlog's messages (the seeded company has a conversation of its own on this channel).
    .where(and(eq(messages.channelId, co.telegram.channelId), eq(messages.direction, "inbound"), inArray(messages.text, updates.map((u) => u.text))))
    .orderBy(asc(messages.sortKey));
  expect(rows).toHaveLength(updates.length);
  expect(new Set(rows.map((r) => r.providerMessageId)).size).toBe(updates.length);
  expect(rows.map((r) => r.text).sort()).toEqual(updates.map((u) => u.text).sort());

  const byText = new Map(rows.map((r) => [r.text, r]));
  const chats = new Map<number, Update[]>();
  for (const u of updates) chats.set(u.chat, [...(chats.get(u.chat) ?? []), u]);
  for (const list of chats.values()) {
    const inOrder = list.sort((a, b) => a.updateId - b.updateId).map((u) => byText.get(u.text)!);
    // Thread order (sort_key) is update_id order…
    const sorted = rows.filter((r) => inOrder.includes(r));
    expect(sorted.map((r) => r.text)).toEqual(inOrder.map((r) => r.text));
    // …and so is the order they were written in (clock_timestamp per row): no update overtook an earlier one.
    for (let i = 1; i < inOrder.length; i++) expect(inOrder[i]!.createdAt.getTime()).toBeGreaterThanOrEqual(inOrder[i - 1]!.createdAt.getTime());
  }
}

/**
 * Another app instance: a separate node process (tsx, as `npm start` runs) with its own pool on the same
 * database. It loads the services, connects, says "ready", waits for "go" on stdin, then runs `mode`.
 */
function otherInstance(mode: "ingest" | "send", companyId?: string) {
  const code = `
    const root = ${JSON.stringify(ROOT)};
    const { databaseClient } = await import(root + "/db/index.ts");
    const { dueStreams, processStreams } = await import(root + "/server/services/events/process-inbound-event.ts");
    const { deliverDueSends } = await import(root + "/server/services/sends/deliver-due-sends.ts");
    const client = databaseClient();
    await client\`select 1\`;
    process.stdout.write("ready\\n");
    await new Promise((resolve) => process.stdin.once("data", resolve));
    const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
    let done = 0;
    if (${JSON.stringify(mode)} === "ingest") {
      for (let idle = 0; idle < 5; ) {
        const keys = await dueStreams(16);
        if (keys.length === 0) { idle++; await sleep(20); continue; }
        idle = 0;
        done += await processStreams(keys, { maxEvents: 64 });
      }
    } else {
      const waiting = async () => (await client\`select count(*)::int as n from outbound_sends s join channels c on c.id = s.channel_id
        where c.company_id = ${"${"}${JSON.stringify(companyId ?? "")}} and s.status in ('queued', 'sending')\`)[0].n;
      while ((await waiting()) > 0) { done += await deliverDueSends(5); await sleep(10); }
    }
    process.stdout.write(JSON.stringify({ done }) + "\\n");
    process.exit(0);`;
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], {
    cwd: ROOT,
    env: { ...processEnvironment(), DATABASE_POOL_MAX: "5", LOG_LEVEL: "silent" },
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const exited = once(child, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
  const ready = (async () => {
    const deadline = Date.now() + 15_000;
    while (!out.includes("ready\n")) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the other instance did not start: ${err.slice(0, 2000)}`);
      await sleep(20);
    }
  })();
  return {
    child,
    ready,
    go: () => child.stdin.write("go\n"),
    result: async () => {
      const [code] = await exited;
      if (code !== 0) throw new Error(`the other instance exited with ${code}: ${err.slice(0, 2000)}`);
      return JSON.parse(out.split("\n").filter(Boolean).at(-1)!) as { done: number };
    },
    exited,
  };
}

/** Advisory locks held, and backends waiting on a lock, in this database. */
async function lockState() {
  const [row] = await second!.client<{ advisory: number; waiting: number }[]>`
    select (select count(*)::int from pg_locks
              where locktype = 'advisory' and granted and database = (select oid from pg_database where datname = current_database())) as advisory,
           (select count(*)::int from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock') as waiting`;
  return row!;
}

describe("the ingest pipeline with more than one worker", () => {
  it("two lanes racing over one backlog: every update exactly once, in update_id order per chat", { timeout: 30_000 }, async () => {
    const co = await seedTestCompany();
    const updates = await storeBacklog(co, 12, 8, 910_000_000);
    const [a, b] = await Promise.all([ingestLoop(), ingestLoop()]);
    expect(a + b).toBeGreaterThanOrEqual(updates.length);
    await expectExactlyOnce(co, updates);
  });

  // PGlite serves one connection: a second instance cannot open a session, so this needs PostgreSQL.
  it.runIf(onPostgres)("two app instances on one database (a second process and pool): every update exactly once, in order", { timeout: 30_000 }, async () => {
    const co = await seedTestCompany();
    const updates = await storeBacklog(co, 40, 10, 920_000_000);
    const other = otherInstance("ingest");
    await other.ready;
    other.go();
    const [here, there] = await Promise.all([Promise.all([ingestLoop(), ingestLoop()]), other.result()]);
    // Both instances did part of the work (else this proves nothing about two instances).
    expect(here[0] + here[1]).toBeGreaterThan(0);
    expect(there.done).toBeGreaterThan(0);
    await expectExactlyOnce(co, updates);
  });

  // `npm start` on PostgreSQL runs the worker in a process of its own (server/jobs/worker-process.ts).
  it.runIf(onPostgres)("the ingest worker in a process of its own: woken through NOTIFY, it makes every update exactly one message, and SIGTERM stops it cleanly", { timeout: 30_000 }, async () => {
    const co = await seedTestCompany();
    const worker = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "server/jobs/worker-process.ts")], {
      cwd: ROOT,
      env: { ...processEnvironment(), DATABASE_POOL_MAX: "4", LOG_LEVEL: "silent" },
      stdio: ["ignore", "ignore", "pipe", "ipc"],
    });
    let err = "";
    worker.stderr!.on("data", (d: Buffer) => (err += d.toString()));
    const exited = once(worker, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
    try {
      await Promise.race([once(worker, "message"), exited.then(() => Promise.reject(new Error(`the worker process did not start: ${err.slice(0, 2000)}`)))]);
      const updates = await storeBacklog(co, 10, 5, 940_000_000);
      // What the webhook routes do when the worker runs elsewhere: ring it.
      const notifier = ingestNotifier("test");
      notifier.notify();
      const deadline = Date.now() + 20_000;
      for (;;) {
        const [w] = await db.execute<{ n: number }>(sql`select count(*)::int as n from ${inboundEvents} where channel_id = ${co.telegram.channelId} and status = 'received'`);
        if (w!.n === 0) break;
        if (Date.now() > deadline) throw new Error(`the worker process left ${w!.n} events: ${err.slice(0, 2000)}`);
        await sleep(50);
      }
      notifier.stop();
      await expectExactlyOnce(co, updates);
      worker.kill("SIGTERM");
      const [code] = await exited;
      expect(code).toBe(0);
    } finally {
      if (worker.exitCode === null && worker.signalCode === null) worker.kill("SIGKILL");
    }
  });

  // A real kill -9 of a worker process mid-batch. PGlite's one connection allows no second process: PostgreSQL only.
  it.runIf(onPostgres)("a worker killed mid-batch: its batch rolls back, its locks go with its connection, a normal pass loses and duplicates nothing", { timeout: 30_000 }, async () => {
    const co = await seedTestCompany();
    const updates = await storeBacklog(co, 20, 6, 930_000_000);
    const ids = (await db.select({ id: inboundEvents.id }).from(inboundEvents).where(eq(inboundEvents.channelId, co.telegram.channelId))).map((r) => r.id);

    // Hold the backlog's rows: the other instance's first batch writes its messages, then waits on the
    // statuses, inside its transaction with its chats' advisory locks held. Then it is killed.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let holding!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    const blocker = second!.client.begin(async (tx) => {
      await tx`select id from inbound_events where id = any(${ids}::uuid[]) for update`;
      holding();
      await released;
    });
    await held;

    const other = otherInstance("ingest");
    try {
      await other.ready;
      other.go();
      const deadline = Date.now() + 10_000;
      for (;;) {
        const state = await lockState();
        if (state.advisory > 0 && state.waiting > 0) break;
        if (Date.now() > deadline) throw new Error(`the other instance never got mid-batch: ${JSON.stringify(state)}`);
        await sleep(10);
      }
      other.child.kill("SIGKILL");
      const [, signal] = await other.exited;
      expect(signal).toBe("SIGKILL");
    } finally {
      if (other.child.exitCode === null && other.child.signalCode === null) other.child.kill("SIGKILL");
      release();
      await blocker;
    }

    // The dead client's backend finds its socket closed, rolls back and releases its advisory locks.
    const deadline = Date.now() + 10_000;
    while ((await lockState()).advisory > 0) {
      if (Date.now() > deadline) throw new Error("advisory locks outlived the killed worker's connection");
      await sleep(20);
    }
    const committed = await db
      .select({ id: messages.id })
      .from(messages)
      .where(and(eq(messages.channelId, co.telegram.channelId), inArray(messages.text, updates.map((u) => u.text))));
    expect(committed).toHaveLength(0);
    expect((await db.select().from(inboundEvents).where(and(inArray(inboundEvents.id, ids), eq(inboundEvents.status, "received")))).length).toBe(ids.length);

    await processStoredEvents(ids, 20_000);
    await expectExactlyOnce(co, updates);
  });
});

describe("sending with more than one worker", () => {
  async function queuedReplies(chats: number, tag: string) {
    const co = await seedTestCompany();
    const updates = await storeBacklog(co, chats, 1, 940_000_000 + Math.floor(Math.random() * 1e6) * 10);
    await processStoredEvents(
      (await db.select({ id: inboundEvents.id }).from(inboundEvents).where(eq(inboundEvents.channelId, co.telegram.channelId))).map((r) => r.id),
    );
    const operator = callerFor({ id: co.operators[0]!.id, companyId: co.companyId, role: "operator" });
    // The conversations of the backlog's chats (the seeded company has its own as well).
    const conversations = await db
      .selectDistinct({ id: messages.conversationId })
      .from(messages)
      .where(and(eq(messages.channelId, co.telegram.channelId), inArray(messages.text, updates.map((u) => u.text))));
    expect(conversations).toHaveLength(updates.length);
    const texts: string[] = [];
    for (const [i, c] of conversations.entries()) {
      const text = `${tag} reply ${i}`;
      await operator.inbox.reply({ conversationId: c.id, text });
      texts.push(text);
    }
    return { co, texts };
  }

  const sendsOf = (text: string) => telegramFake.calls.filter((c) => c.method === "sendMessage" && c.params.text === text);

  async function expectSentOnce(co: Company, texts: string[]) {
    for (const text of texts) expect(sendsOf(text), text).toHaveLength(1);
    const rows = await db
      .select({ status: outboundSends.status, attempts: outboundSends.attempts })
      .from(outboundSends)
      .where(eq(outboundSends.channelId, co.telegram.channelId));
    expect(rows).toHaveLength(texts.length);
    expect(rows.filter((r) => r.status !== "sent")).toEqual([]);
  }

  async function sendLoop(co: Company) {
    let done = 0;
    const waiting = async () =>
      (await db.select({ id: outboundSends.id }).from(outboundSends).where(and(eq(outboundSends.channelId, co.telegram.channelId), inArray(outboundSends.status, ["queued", "sending"])))).length;
    const deadline = Date.now() + 20_000;
    while ((await waiting()) > 0 && Date.now() < deadline) {
      done += await deliverDueSends(5);
      await sleep(10);
    }
    return done;
  }

  it("two send passes racing over queued replies: each reply reaches Telegram once", { timeout: 30_000 }, async () => {
    const { co, texts } = await queuedReplies(10, `lanes ${Date.now()}`);
    await Promise.all([sendLoop(co), sendLoop(co)]);
    await expectSentOnce(co, texts);
  });

  // PGlite serves one connection: a second instance cannot open a session, so this needs PostgreSQL.
  it.runIf(onPostgres)("two app instances sending (a second process and pool): each reply reaches Telegram once", { timeout: 30_000 }, async () => {
    const { co, texts } = await queuedReplies(24, `instances ${Date.now()}`);
    const other = otherInstance("send", co.companyId);
    await other.ready;
    other.go();
    const [here, there] = await Promise.all([sendLoop(co), other.result()]);
    expect(here + there.done).toBeGreaterThanOrEqual(texts.length);
    await expectSentOnce(co, texts);
  });
});
