/**
 * `npm run bench:ingest`: webhook-to-message throughput and latency of the production build on PostgreSQL, side
 * by side in one run with the bare-stack baseline (baseline-server.ts: node:http + postgres.js, the whole ingest
 * in one transaction per request). 32 keep-alive connections post unique Telegram updates from 1,000 chats.
 * Prints baseline req/s, the app's acknowledgements/s, messages/s from load start until the backlog is drained,
 * ack p50/p99 of both, the ratio and events retried, with the core count; writes them to .data/bench/ingest.json.
 * Asserts nothing (figures, never timed tests) and is not part of CI. Loopback only, bounded in count and time.
 *
 * Needs PostgreSQL: TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test); a throwaway database is
 * created beside it and dropped at the end. `next build` runs once (BENCH_REBUILD=1 builds again).
 * BENCH_SECONDS (default 20) sets the load time of each side.
 *
 * During the app's load `/api/metrics` is scraped every 2 s (METRICS_TOKEN), as Prometheus would: the webhook rate
 * from `switchboard_webhook_requests_total` and the ingest backlog and its oldest event's age are printed per scrape.
 *
 * BENCH_RETENTION=N first stores N raw events of the app's channel processed 40 days ago (past the 30-day
 * retention), then loads the app three times: as above, then while the daily retention pass (deleteExpiredRawEvents,
 * production batch size and pause) deletes them, started with the load, then again without it. Prints the three
 * sets of figures with the rows the pass deleted and how long it took. The app's own pass is set to 3650 days for
 * the run, so the pass measured is the only one deleting.
 */
import { fork } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import type { Sql } from "postgres";
import { configureApp, ensureBuild, freePort, startApp, throwawayDatabase, vars, writeResult } from "./harness";
import { runLoad, type LoadResult } from "./load";

const SECONDS = Number(vars.BENCH_SECONDS ?? 20);
const CONNECTIONS = 32;
const CHATS = 1000;
const MAX_REQUESTS = 200_000;
const DRAIN_TIMEOUT_MS = 120_000;
const SCRAPE_EVERY_MS = 2_000;
const METRICS_TOKEN = "bench-metrics-token-of-some-length";
const RETENTION_EVENTS = Math.min(Number(vars.BENCH_RETENTION ?? 0), 2_000_000);
/** Update ids of the run with the retention pass, and of the run after it, start here (past any earlier run's). */
const RETENTION_RUN_IDS = 10_000_000;
const AFTER_RUN_IDS = 20_000_000;

type Scrape = { atSeconds: number; webhooksPerSecond: number; backlog: number | null; oldestSeconds: number | null };

/** A sample's value (summed over its label sets), from Prometheus text; `labels` must all appear. */
function metric(text: string, name: string, labels: string[] = []): number | null {
  let sum: number | null = null;
  for (const line of text.split("\n")) {
    if (!line.startsWith(name) || (line[name.length] !== "{" && line[name.length] !== " ")) continue;
    if (!labels.every((l) => line.includes(l))) continue;
    const value = Number(line.slice(line.lastIndexOf(" ") + 1));
    if (Number.isFinite(value)) sum = (sum ?? 0) + value;
  }
  return sum;
}

/** Scrapes the app's metrics every SCRAPE_EVERY_MS until stopped: webhook rate (200s) and the ingest backlog. */
function scrapeMetrics(appUrl: string, print: (line: string) => void) {
  const scrapes: Scrape[] = [];
  const started = Date.now();
  let last: { at: number; total: number } | undefined;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      try {
        const res = await fetch(`${appUrl}/api/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` }, signal: AbortSignal.timeout(5_000) });
        const text = await res.text();
        const at = Date.now();
        const total = metric(text, "switchboard_webhook_requests_total", ['status="200"']) ?? 0;
        const scrape = {
          atSeconds: (at - started) / 1000,
          webhooksPerSecond: last ? ((total - last.total) * 1000) / (at - last.at) : 0,
          backlog: metric(text, "switchboard_ingest_backlog"),
          oldestSeconds: metric(text, "switchboard_ingest_oldest_unprocessed_seconds"),
        };
        if (last) {
          scrapes.push(scrape);
          print(`metrics   t=${scrape.atSeconds.toFixed(0)} s  webhooks ${scrape.webhooksPerSecond.toFixed(0)}/s  backlog ${scrape.backlog ?? "?"}  oldest ${scrape.oldestSeconds?.toFixed(1) ?? "?"} s`);
        }
        last = { at, total };
      } catch (error) {
        print(`metrics   scrape failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      await new Promise((r) => setTimeout(r, SCRAPE_EVERY_MS));
    }
  })();
  return {
    scrapes,
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}

const updateBody = (updateId: number) => {
  const chat = 500_000_000 + (updateId % CHATS);
  return JSON.stringify({ update_id: updateId, message: { message_id: updateId, date: Math.floor(Date.now() / 1000), chat: { id: chat, type: "private", first_name: "C" }, from: { id: chat, is_bot: false, first_name: "C" }, text: `hello ${updateId}` } });
};

type AppRun = { acks: LoadResult; made: number; messagesPerSecond: number; drainedSeconds: number; retried: number; scrapes: Scrape[] };
type RetentionRun = { stored: number; storedInSeconds: number; deleted: number; batches: number; finished: boolean; seconds: number; left: number };

/** Stores `count` raw events processed 40 days ago, past the 30-day retention: what a day's pass finds to delete. */
async function storeExpiredEvents(client: Sql, companyId: string, channelId: string, count: number) {
  await client`
    insert into inbound_events (provider, company_id, channel_id, dedupe_key, event_type, payload, status, attempts, received_at, processed_at, next_attempt_at, order_key, sequence)
    select 'telegram', ${companyId}, ${channelId}, 'bench-retention:' || i, 'message',
      jsonb_build_object('update_id', i, 'message', jsonb_build_object('message_id', i, 'text', 'hello ' || i, 'chat', jsonb_build_object('id', 600000000 + i % 1000, 'type', 'private', 'first_name', 'C'))),
      'processed', 1, now() - interval '40 days', now() - interval '40 days', now() - interval '40 days', ${channelId}::text || ':' || (600000000 + i % 1000), i
    from generate_series(1, ${count}::int) i
    on conflict do nothing`;
  // As a month-old table would be: vacuumed and analyzed; and the insert's WAL checkpointed now, not during a run.
  await client`vacuum analyze inbound_events`;
  await client`checkpoint`;
}

/** The expired events of the channel still stored (what a pass has left). */
const expiredLeft = async (client: Sql, channelId: string) =>
  (await client<{ n: number }[]>`select count(*)::int as n from inbound_events where channel_id = ${channelId} and dedupe_key like 'bench-retention:%'`)[0]!.n;

async function main() {
  const database = await throwawayDatabase("ingest");
  const databaseUrl = database.url;
  // Configuration of the app under test, set before any app module reads it (providers point at a closed port).
  const port = await freePort();
  await configureApp(databaseUrl, port);
  vars.METRICS_TOKEN = METRICS_TOKEN;
  // With BENCH_RETENTION the pass measured is the bench's own (started with the load); the app's hourly one must not
  // take the stored events from it, so it keeps ten years for this run and finds nothing to delete.
  if (RETENTION_EVENTS > 0) vars.RAW_EVENT_RETENTION_DAYS = "3650";

  const { migrateDatabase } = await import("../../db/migrate");
  const { createDatabase } = await import("../../db");
  const { seedCompany } = await import("../../db/seed");
  const { deleteExpiredRawEvents } = await import("../services/events/raw-event-retention");
  await migrateDatabase(databaseUrl);
  const { db, client } = createDatabase(databaseUrl, 3);
  const app = await seedCompany(db, { slug: "bench-app", name: "Bench app" });
  const base = await seedCompany(db, { slug: "bench-baseline", name: "Bench baseline" });

  let baseline: LoadResult | undefined;
  let plain: AppRun | undefined;
  let retaining: (AppRun & { retention: RetentionRun }) | undefined;
  let after: AppRun | undefined;
  const stop: (() => Promise<void>)[] = [];
  try {
    // 1. The baseline, alone on the machine.
    const child = fork(path.join(import.meta.dirname, "baseline-server.ts"), [], {
      execArgv: ["--import", "tsx"],
      env: { ...vars, BASELINE_DATABASE_URL: databaseUrl, BASELINE_COMPANY_ID: base.companyId, BASELINE_CHANNEL_ID: base.telegram.channelId },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    stop.push(async () => void child.kill("SIGTERM"));
    const basePort = await new Promise<number>((resolve) => child.once("message", (m: { port: number }) => resolve(m.port)));
    const baseUrl = `http://127.0.0.1:${basePort}`;
    await runLoad({ url: baseUrl, connections: 4, durationMs: 1000, maxRequests: 200, next: (i) => ({ path: "/", headers: { "content-type": "application/json" }, body: updateBody(900_000_000 + i) }) });
    baseline = await runLoad({ url: baseUrl, connections: CONNECTIONS, durationMs: SECONDS * 1000, maxRequests: MAX_REQUESTS, next: (i) => ({ path: "/", headers: { "content-type": "application/json" }, body: updateBody(i + 1) }) });
    child.kill("SIGTERM");

    // 2. The app: the production build as `npm start` runs it (the launcher's stack: the web server with its
    //    webhook intake, and the ingest worker in its own process), PostgreSQL with a pool of 10 each.
    ensureBuild();
    const started = await startApp(port);
    stop.push(() => started.stop());
    const appUrl = started.url;
    const hook = `/api/webhooks/telegram/${app.telegram.channelId}`;
    const headers = { "content-type": "application/json", "x-telegram-bot-api-secret-token": app.telegram.webhookSecret };
    const channelId = app.telegram.channelId;
    const countMessages = async () => (await client<{ n: number }[]>`select count(*)::int as n from messages where channel_id = ${channelId} and direction = 'inbound'`)[0]!.n;
    const countRetried = async () => (await client<{ n: number }[]>`select count(*)::int as n from inbound_events where channel_id = ${channelId} and attempts > 1`)[0]!.n;
    const waiting = async () => (await client<{ n: number }[]>`select count(*)::int as n from inbound_events where channel_id = ${channelId} and status = 'received'`)[0]!.n;
    // Warm the route (compiled chunks, pool, caches) before measuring.
    await runLoad({ url: appUrl, connections: 4, durationMs: 2000, maxRequests: 300, next: (i) => ({ path: hook, headers, body: updateBody(800_000_000 + i) }) });
    for (let i = 0; i < 200 && (await waiting()) > 0; i++) await new Promise((r) => setTimeout(r, 100));

    let storedInSeconds = 0;
    if (RETENTION_EVENTS > 0) {
      // Stored before every run, so the only difference between them is the pass.
      const t0 = performance.now();
      await storeExpiredEvents(client, app.companyId, channelId, RETENTION_EVENTS);
      storedInSeconds = (performance.now() - t0) / 1000;
      console.log(`retention ${RETENTION_EVENTS} expired raw events stored in ${storedInSeconds.toFixed(1)} s`);
    }

    /** One measured load on the app (update ids from `firstId`), counted until its backlog drains. */
    const measure = async (label: string, firstId: number, during?: () => void): Promise<AppRun> => {
      const before = await countMessages();
      const retriedBefore = await countRetried();
      const scraper = scrapeMetrics(appUrl, (line) => console.log(`${label.padEnd(9)} ${line}`));
      during?.();
      const acks = await runLoad({ url: appUrl, connections: CONNECTIONS, durationMs: SECONDS * 1000, maxRequests: MAX_REQUESTS, next: (i) => ({ path: hook, headers, body: updateBody(firstId + i) }) });
      const deadline = Date.now() + DRAIN_TIMEOUT_MS;
      while ((await waiting()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await scraper.stop();
      const drainedSeconds = (Date.now() - acks.startedAt) / 1000;
      const made = (await countMessages()) - before;
      return { acks, made, messagesPerSecond: made / drainedSeconds, drainedSeconds, retried: (await countRetried()) - retriedBefore, scrapes: scraper.scrapes };
    };

    plain = await measure("app", 1);
    if (RETENTION_EVENTS > 0) {
      let pass: Promise<Omit<RetentionRun, "left">> | undefined;
      const run = await measure("retention", RETENTION_RUN_IDS, () => {
        // The daily pass as production runs it (batch size, pause, time budget), started with the load.
        const t0 = performance.now();
        pass = deleteExpiredRawEvents(db, { retentionDays: 30 }).then((outcome) => {
          const seconds = (performance.now() - t0) / 1000;
          console.log(`retention pass done: ${outcome.deleted} deleted in ${outcome.batches} batches, ${seconds.toFixed(1)} s after the load started`);
          return { stored: RETENTION_EVENTS, storedInSeconds, ...outcome, seconds };
        });
      });
      const outcome = await pass!;
      retaining = { ...run, retention: { ...outcome, left: await expiredLeft(client, channelId) } };
      // The same load again without the pass: a later run finds every chat's contact and conversation made and a
      // warmer app, so the pass is judged against the runs on either side of it, not the first alone.
      after = await measure("after", AFTER_RUN_IDS);
    }
  } finally {
    for (const s of stop.reverse()) await s().catch(() => undefined);
    await client.end({ timeout: 5 });
    await database.drop();
  }

  const baseRate = baseline!.ok / baseline!.seconds;
  const figures = (r: AppRun) => ({
    acksPerSecond: r.acks.ok / r.acks.seconds,
    ackP50Ms: r.acks.p50,
    ackP99Ms: r.acks.p99,
    errors: r.acks.errors,
    messages: r.made,
    messagesPerSecond: r.messagesPerSecond,
    drainedAfterSeconds: r.drainedSeconds,
    eventsRetried: r.retried,
    // Every acknowledged update became exactly one message (ids are unique, so a duplicate would show here).
    everyAckOneMessage: r.made === r.acks.ok,
  });
  // What a Prometheus scrape saw during the load (every 2 s): the webhook rate and the ingest backlog.
  const peaks = (scrapes: Scrape[]) => ({
    scrapes: scrapes.length,
    peakWebhooksPerSecond: Math.max(0, ...scrapes.map((m) => m.webhooksPerSecond)),
    peakBacklog: Math.max(0, ...scrapes.map((m) => m.backlog ?? 0)),
    peakOldestSeconds: Math.max(0, ...scrapes.map((m) => m.oldestSeconds ?? 0)),
  });
  const ratio = (r: AppRun) => ({ messages: r.messagesPerSecond / baseRate, ackP99: r.acks.p99 / baseline!.p99 });
  const result = {
    cores: os.cpus().length,
    connections: CONNECTIONS,
    chats: CHATS,
    seconds: SECONDS,
    baseline: { reqPerSecond: baseRate, p50Ms: baseline!.p50, p99Ms: baseline!.p99, errors: baseline!.errors },
    app: figures(plain!),
    metrics: peaks(plain!.scrapes),
    ratio: ratio(plain!),
    // BENCH_RETENTION: the same load while the retention pass deleted the stored expired events.
    withRetention: retaining && { pass: retaining.retention, app: figures(retaining), metrics: peaks(retaining.scrapes), ratio: ratio(retaining) },
    // BENCH_RETENTION: the same load once more after the pass, without it.
    after: after && { app: figures(after), metrics: peaks(after.scrapes), ratio: ratio(after) },
    measuredAt: new Date().toISOString(),
  };
  const f = (n: number, d = 0) => n.toFixed(d);
  const lines = (label: string, r: AppRun) => {
    const a = figures(r);
    const m = peaks(r.scrapes);
    const q = ratio(r);
    const l = label.padEnd(10);
    return [
      `${l} ${f(a.acksPerSecond)} acks/s  p50 ${f(a.ackP50Ms, 1)} ms  p99 ${f(a.ackP99Ms, 1)} ms  errors ${a.errors}`,
      `${l} ${f(a.messagesPerSecond)} messages/s (${r.made} messages for ${r.acks.ok} acknowledgements${a.everyAckOneMessage ? ", each exactly one" : " — NOT one each"}, load start → backlog drained in ${f(r.drainedSeconds, 1)} s), events retried ${r.retried}`,
      `${l} metrics ${m.scrapes} scrapes: peak ${f(m.peakWebhooksPerSecond)} webhooks/s, backlog peak ${m.peakBacklog}, oldest event peak ${f(m.peakOldestSeconds, 1)} s`,
      `${l} ratio messages/s ÷ baseline req/s = ${f(q.messages, 2)} (target ≥ 0.8) · ack p99 ÷ baseline p99 = ${f(q.ackP99, 2)} (target ≤ 2)`,
    ];
  };
  const pass = retaining?.retention;
  console.log(
    [
      `cores ${result.cores} · ${CONNECTIONS} connections · ${CHATS} chats · ${SECONDS} s of load each`,
      `baseline  ${f(result.baseline.reqPerSecond)} req/s   p50 ${f(result.baseline.p50Ms, 1)} ms  p99 ${f(result.baseline.p99Ms, 1)} ms  errors ${result.baseline.errors}`,
      ...lines("app", plain!),
      ...(retaining && pass
        ? [
            `retention pass: ${pass.deleted} of ${pass.stored} expired raw events deleted in ${pass.batches} batches, ${f(pass.seconds, 1)} s from the load's start (load ${f(retaining.acks.seconds, 1)} s, drained at ${f(retaining.drainedSeconds, 1)} s)${pass.finished ? "" : ", stopped by its time budget"}; ${pass.left} left`,
            ...lines("+retention", retaining),
            ...(after ? lines("after", after) : []),
          ]
        : []),
    ].join("\n"),
  );
  writeResult("ingest", result);
}

await main();
process.exit(0);
