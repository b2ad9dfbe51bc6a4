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
 */
import { fork } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { configureApp, ensureBuild, freePort, startApp, throwawayDatabase, vars, writeResult } from "./harness";
import { runLoad, type LoadResult } from "./load";

const SECONDS = Number(vars.BENCH_SECONDS ?? 20);
const CONNECTIONS = 32;
const CHATS = 1000;
const MAX_REQUESTS = 200_000;
const DRAIN_TIMEOUT_MS = 120_000;
const SCRAPE_EVERY_MS = 2_000;
const METRICS_TOKEN = "bench-metrics-token-of-some-length";

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

async function main() {
  const database = await throwawayDatabase("ingest");
  const databaseUrl = database.url;
  // Configuration of the app under test, set before any app module reads it (providers point at a closed port).
  const port = await freePort();
  await configureApp(databaseUrl, port);
  vars.METRICS_TOKEN = METRICS_TOKEN;

  const { migrateDatabase } = await import("../../db/migrate");
  const { createDatabase } = await import("../../db");
  const { seedCompany } = await import("../../db/seed");
  await migrateDatabase(databaseUrl);
  const { db, client } = createDatabase(databaseUrl, 2);
  const app = await seedCompany(db, { slug: "bench-app", name: "Bench app" });
  const base = await seedCompany(db, { slug: "bench-baseline", name: "Bench baseline" });

  let baseline: LoadResult | undefined;
  let acks: LoadResult | undefined;
  let messagesPerSecond = 0;
  let drainedSeconds = 0;
  let made = 0;
  let retried = 0;
  let scrapes: Scrape[] = [];
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
    // Warm the route (compiled chunks, pool, caches) before measuring.
    await runLoad({ url: appUrl, connections: 4, durationMs: 2000, maxRequests: 300, next: (i) => ({ path: hook, headers, body: updateBody(800_000_000 + i) }) });
    const countMessages = async () => (await client<{ n: number }[]>`select count(*)::int as n from messages where channel_id = ${app.telegram.channelId} and direction = 'inbound'`)[0]!.n;
    const before = await countMessages();
    for (let i = 0; i < 200; i++) {
      const [w] = await client<{ n: number }[]>`select count(*)::int as n from inbound_events where channel_id = ${app.telegram.channelId} and status = 'received'`;
      if (w!.n === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const warmed = await countMessages();
    const scraper = scrapeMetrics(appUrl, (line) => console.log(line));
    acks = await runLoad({ url: appUrl, connections: CONNECTIONS, durationMs: SECONDS * 1000, maxRequests: MAX_REQUESTS, next: (i) => ({ path: hook, headers, body: updateBody(i + 1) }) });
    const deadline = Date.now() + DRAIN_TIMEOUT_MS;
    for (;;) {
      const [w] = await client<{ n: number }[]>`select count(*)::int as n from inbound_events where channel_id = ${app.telegram.channelId} and status = 'received'`;
      if (w!.n === 0 || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await scraper.stop();
    scrapes = scraper.scrapes;
    drainedSeconds = (Date.now() - acks.startedAt) / 1000;
    made = (await countMessages()) - Math.max(before, warmed);
    messagesPerSecond = made / drainedSeconds;
    const [r] = await client<{ n: number }[]>`select count(*)::int as n from inbound_events where channel_id = ${app.telegram.channelId} and attempts > 1`;
    retried = r!.n;
  } finally {
    for (const s of stop.reverse()) await s().catch(() => undefined);
    await client.end({ timeout: 5 });
    await database.drop();
  }

  const result = {
    cores: os.cpus().length,
    connections: CONNECTIONS,
    chats: CHATS,
    seconds: SECONDS,
    baseline: { reqPerSecond: baseline!.ok / baseline!.seconds, p50Ms: baseline!.p50, p99Ms: baseline!.p99, errors: baseline!.errors },
    app: {
      acksPerSecond: acks!.ok / acks!.seconds,
      ackP50Ms: acks!.p50,
      ackP99Ms: acks!.p99,
      errors: acks!.errors,
      messages: made,
      messagesPerSecond,
      drainedAfterSeconds: drainedSeconds,
      eventsRetried: retried,
      // Every acknowledged update became exactly one message (ids are unique, so a duplicate would show here).
      everyAckOneMessage: made === acks!.ok,
    },
    // What a Prometheus scrape saw during the load (every 2 s): the webhook rate and the ingest backlog.
    metrics: {
      scrapes: scrapes.length,
      peakWebhooksPerSecond: Math.max(0, ...scrapes.map((m) => m.webhooksPerSecond)),
      peakBacklog: Math.max(0, ...scrapes.map((m) => m.backlog ?? 0)),
      peakOldestSeconds: Math.max(0, ...scrapes.map((m) => m.oldestSeconds ?? 0)),
    },
    ratio: { messages: messagesPerSecond / (baseline!.ok / baseline!.seconds), ackP99: acks!.p99 / baseline!.p99 },
    measuredAt: new Date().toISOString(),
  };
  const f = (n: number, d = 0) => n.toFixed(d);
  console.log(
    [
      `cores ${result.cores} · ${CONNECTIONS} connections · ${CHATS} chats · ${SECONDS} s of load each`,
      `baseline  ${f(result.baseline.reqPerSecond)} req/s   p50 ${f(result.baseline.p50Ms, 1)} ms  p99 ${f(result.baseline.p99Ms, 1)} ms  errors ${result.baseline.errors}`,
      `app       ${f(result.app.acksPerSecond)} acks/s  p50 ${f(result.app.ackP50Ms, 1)} ms  p99 ${f(result.app.ackP99Ms, 1)} ms  errors ${result.app.errors}`,
      `app       ${f(result.app.messagesPerSecond)} messages/s (${made} messages for ${acks!.ok} acknowledgements${result.app.everyAckOneMessage ? ", each exactly one" : " — NOT one each"}, load start → backlog drained in ${f(drainedSeconds, 1)} s), events retried ${retried}`,
      `metrics   ${result.metrics.scrapes} scrapes: peak ${f(result.metrics.peakWebhooksPerSecond)} webhooks/s, backlog peak ${result.metrics.peakBacklog}, oldest event peak ${f(result.metrics.peakOldestSeconds, 1)} s`,
      `ratio     messages/s ÷ baseline req/s = ${f(result.ratio.messages, 2)} (target ≥ 0.8) · ack p99 ÷ baseline p99 = ${f(result.ratio.ackP99, 2)} (target ≤ 2)`,
    ].join("\n"),
  );
  writeResult("ingest", result);
}

await main();
process.exit(0);
