/**
 * `npm run bench:ingest`: how fast webhooks become messages. Posts N Telegram updates (distinct chats and
 * redeliveries) through the real webhook handler and processing on the embedded database, and on
 * PostgreSQL too when TEST_DATABASE_URL is set. Prints throughput, latency percentiles and memory; it
 * asserts nothing (targets live here, not in tests).
 */
import { performance } from "node:perf_hooks";
import postgres from "postgres";
import { startEmbeddedDatabase } from "../../db/embedded";
import { migrateDatabase } from "../../db/migrate";
import { processEnvironment } from "../env.js";

const vars = processEnvironment();
const N = Number(vars.BENCH_UPDATES ?? 500);

async function target(kind: string): Promise<{ url: string; poolMax: number; stop(): Promise<void> }> {
  if (kind === "pglite") {
    const embedded = await startEmbeddedDatabase();
    return { url: embedded.url, poolMax: 1, stop: () => embedded.stop() };
  }
  const admin = postgres(vars.TEST_DATABASE_URL!, { max: 1, onnotice: () => {} });
  const name = `switchboard_bench_${process.pid}`;
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.unsafe(`create database ${name}`);
  const url = new URL(vars.TEST_DATABASE_URL!);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    poolMax: 10,
    stop: async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function run(kind: string) {
  const t = await target(kind);
  await migrateDatabase(t.url);
  vars.DATABASE_URL = t.url;
  vars.DATABASE_POOL_MAX = String(t.poolMax);
  vars.LOG_LEVEL = "silent";
  vars.PUSHER_APP_ID = "bench";
  vars.PUSHER_KEY = "bench";
  vars.PUSHER_SECRET = "bench";
  vars.PUSHER_HOST = "127.0.0.1";
  vars.PUSHER_PORT = "9";
  vars.PUSHER_USE_TLS = "false";
  const { db, closeDatabase } = await import("../../db");
  const { seedCompany } = await import("../../db/seed");
  const { handleTelegramWebhook, TELEGRAM_SECRET_HEADER } = await import("../webhooks/telegram");
  const co = await seedCompany(db, { slug: `bench-${kind}`, name: "Bench" });

  const post = async (updateId: number, chat: number) => {
    const body = JSON.stringify({
      update_id: updateId,
      message: { message_id: updateId, from: { id: chat, is_bot: false, first_name: "C" }, chat: { id: chat, type: "private", first_name: "C" }, date: 1767225600, text: `hello ${updateId}` },
    });
    const request = new Request(`http://localhost/api/webhooks/telegram/${co.telegram.channelId}`, {
      method: "POST",
      headers: { "content-type": "application/json", [TELEGRAM_SECRET_HEADER]: co.telegram.webhookSecret },
      body,
    });
    const started = performance.now();
    const outcome = await handleTelegramWebhook(co.telegram.channelId, request);
    const acked = performance.now();
    await outcome.after?.();
    return { ack: acked - started, total: performance.now() - started };
  };

  const acks: number[] = [];
  const totals: number[] = [];
  const started = performance.now();
  for (let i = 1; i <= N; i++) {
    const r = await post(i, 1000 + (i % 50));
    acks.push(r.ack);
    totals.push(r.total);
  }
  const elapsed = (performance.now() - started) / 1000;
  // Redeliveries of the first 100: acknowledged, deduplicated, nothing processed.
  const dupStarted = performance.now();
  for (let i = 1; i <= Math.min(100, N); i++) await post(i, 1000 + (i % 50));
  const dupMs = (performance.now() - dupStarted) / Math.min(100, N);

  acks.sort((a, b) => a - b);
  totals.sort((a, b) => a - b);
  const mem = process.memoryUsage();
  console.log(
    `${kind.padEnd(8)} ${N} updates in ${elapsed.toFixed(2)} s = ${(N / elapsed).toFixed(0)} updates/s | ack p50 ${pct(acks, 50).toFixed(1)} ms p95 ${pct(acks, 95).toFixed(1)} ms | stored+processed p50 ${pct(totals, 50).toFixed(1)} ms p95 ${pct(totals, 95).toFixed(1)} ms | redelivery ${dupMs.toFixed(1)} ms | rss ${(mem.rss / 2 ** 20).toFixed(0)} MiB heap ${(mem.heapUsed / 2 ** 20).toFixed(0)} MiB`,
  );
  await closeDatabase();
  await t.stop();
}

await run(vars.BENCH_DB ?? "pglite");
