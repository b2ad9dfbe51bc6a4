/**
 * `npm run bench:inbox`: how fast the operator's inbox answers at a million messages, and how that grows from
 * ten thousand. Two throwaway PostgreSQL databases of the same shape, built with SQL (generate_series):
 *   1M:  20,000 conversations, one of them with 100,045 messages, the others 45 each (1,000,000 messages);
 *   10k: 200 conversations, one of them with 1,045 messages, the others 45 each (10,000 messages).
 * For each, the production build is started (`next start` through the launcher's stack), an operator signs in
 * like a browser (next-auth CSRF token + credentials callback), and p50 / p95 of tRPC over HTTP are measured,
 * one request at a time: `inbox.list` on each tab, with a filter and with searches, the tabs' counts
 * (`inbox.counts`, plain and with a search), and `inbox.thread`'s first page of the longest conversation (its size
 * in bytes too). Prints the figures with the core count and writes them to .data/bench/inbox.json. Targets:
 * p95 ≤ 50 ms at 1M, p95(1M) / p95(10k) ≤ 1.3, a bounded thread page.
 * Asserts nothing (figures, never timed tests) and is not part of CI. Loopback only, bounded in count.
 *
 * Each size runs in a child process of its own (the app's configuration is read once per process).
 * BENCH_ROUNDS (default 60) sets the measured requests per query. BENCH_KEEP_DB=1 keeps both databases (named
 * switchboard_bench_kept_*) and reuses them on the next run, bench:browser's too (server/bench/inbox-data.ts).
 * BENCH_RETENTION=N first stores N raw webhook events processed 40 days ago and runs the daily retention pass
 * (deleteExpiredRawEvents, production batch size and pause) while the requests are measured, so the figures show
 * what the pass costs the inbox.
 */
import os from "node:os";
import { performance } from "node:perf_hooks";
import { ensureBuild, freePort, percentile, runSizeInChild, signIn, startApp, trpcQuery, vars, writeResult } from "./harness";
import { benchDatabase, SHAPES, type Shape } from "./inbox-data";

const ROUNDS = Math.min(Number(vars.BENCH_ROUNDS ?? 60), 500);
const RETENTION_EVENTS = Math.min(Number(vars.BENCH_RETENTION ?? 0), 2_000_000);
const WARMUP = 10;

type Measured = { name: string; p50: number; p95: number; bytes: number; rows: number };
type Retention = { stored: number; deleted: number; batches: number; seconds: number; endedAfterMeasuring: boolean };
type SizeResult = { label: string; messages: number; conversations: number; buildSeconds: number; queries: Measured[]; retention?: Retention };

/** Stores `count` raw events processed 40 days ago, past the 30-day retention: what a day's pass finds to delete. */
async function storeExpiredEvents(url: string, companyId: string, channelId: string, count: number) {
  const postgres = (await import("postgres")).default;
  const sql = postgres(url, { max: 1, onnotice: () => undefined });
  try {
    await sql`
      insert into inbound_events (provider, company_id, channel_id, dedupe_key, event_type, payload, status, received_at, processed_at, order_key, sequence)
      select 'telegram', ${companyId}, ${channelId}, 'bench-retention:' || i, 'message',
        jsonb_build_object('message', jsonb_build_object('text', 'hello order delivery', 'chat', jsonb_build_object('id', 'r' || (i % 1000)))),
        'processed', now() - interval '40 days', now() - interval '40 days', ${channelId}::text || ':r' || (i % 1000), i
      from generate_series(1, ${count}::int) i
      on conflict do nothing`;
    await sql`analyze inbound_events`;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

async function runSize(shape: Shape): Promise<SizeResult> {
  const port = await freePort();
  const { database, data } = await benchDatabase(shape, "bench:inbox", port);
  const stops: (() => Promise<void>)[] = [];
  try {
    const app = await startApp(port);
    stops.push(app.stop);
    const cookie = await signIn(app.url, data.co.operators[0]!.email, "switchboard");

    const queries: { name: string; procedure: string; input?: unknown }[] = [
      { name: "list open (no input)", procedure: "inbox.list" },
      { name: "list new", procedure: "inbox.list", input: { tab: "new" } },
      { name: "list in progress", procedure: "inbox.list", input: { tab: "in_progress" } },
      { name: "list closed", procedure: "inbox.list", input: { tab: "closed" } },
      { name: "list mine", procedure: "inbox.list", input: { tab: "mine" } },
      // Sales holds the even conversations, and the first operator (the one signed in) is assigned the even ones.
      { name: "list filter line+assignee", procedure: "inbox.list", input: { tab: "open", lineId: data.salesLineId, assigneeId: data.op1 } },
      { name: "list search word", procedure: "inbox.list", input: { tab: "open", q: "refund" } },
      { name: "list search name", procedure: "inbox.list", input: { tab: "closed", q: "shevchenko" } },
      { name: "list search inflected ru", procedure: "inbox.list", input: { tab: "open", q: "заказа" } },
      { name: "list search handle", procedure: "inbox.list", input: { tab: "open", q: "@user12" } },
      { name: "counts (no input)", procedure: "inbox.counts" },
      { name: "counts search word", procedure: "inbox.counts", input: { q: "refund" } },
      { name: "thread first page (longest)", procedure: "inbox.thread", input: { conversationId: data.longestId } },
    ];
    const samples = queries.map(() => [] as number[]);
    const sizes = queries.map(() => ({ bytes: 0, rows: 0 }));
    for (let w = 0; w < WARMUP; w++) for (const q of queries) await trpcQuery(app.url, cookie, q.procedure, q.input);
    let retention: Promise<Retention> | undefined;
    let measuring = true;
    if (RETENTION_EVENTS > 0) {
      await storeExpiredEvents(database.url, data.co.companyId, data.co.telegram.channelId, RETENTION_EVENTS);
      const { createDatabase } = await import("../../db");
      const { deleteExpiredRawEvents } = await import("../services/events/raw-event-retention");
      const handle = createDatabase(database.url, 2);
      const started = performance.now();
      retention = deleteExpiredRawEvents(handle.db, { retentionDays: 30 })
        .then((outcome) => ({ stored: RETENTION_EVENTS, deleted: outcome.deleted, batches: outcome.batches, seconds: (performance.now() - started) / 1000, endedAfterMeasuring: !measuring }))
        .finally(() => handle.client.end({ timeout: 5 }));
    }
    // Round robin, one request at a time: noise from the shared machine spreads over every query alike.
    for (let r = 0; r < ROUNDS; r++) {
      for (const [i, q] of queries.entries()) {
        const t0 = performance.now();
        const { data: answer, bytes } = await trpcQuery<unknown[] | { messages?: unknown[] }>(app.url, cookie, q.procedure, q.input);
        samples[i]!.push(performance.now() - t0);
        sizes[i] = { bytes, rows: Array.isArray(answer) ? answer.length : (answer.messages?.length ?? 1) };
      }
    }
    measuring = false;
    const retained = await retention;
    return {
      label: shape.label,
      messages: data.messages,
      retention: retained,
      conversations: shape.conversations,
      buildSeconds: data.buildSeconds,
      queries: queries.map((q, i) => {
        const sorted = samples[i]!.sort((a, b) => a - b);
        return { name: q.name, p50: percentile(sorted, 50), p95: percentile(sorted, 95), ...sizes[i]! };
      }),
    };
  } finally {
    for (const s of stops.reverse()) await s().catch(() => undefined);
    await database.drop();
  }
}

const runChild = (label: Shape["label"]) => runSizeInChild<SizeResult>(import.meta.filename, "BENCH_INBOX_SIZE", label, "bench:inbox");

async function main() {
  const size = vars.BENCH_INBOX_SIZE as Shape["label"] | undefined;
  if (size) {
    const result = await runSize(SHAPES[size]);
    await new Promise<void>((resolve) => (process.send ? process.send(result, () => resolve()) : resolve()));
    return;
  }
  vars.NEXTAUTH_SECRET ??= "bench-secret-bench-secret-bench-secret-0001";
  vars.ENCRYPTION_KEY ??= Buffer.alloc(32, 7).toString("base64");
  ensureBuild();
  const small = await runChild("10k");
  const large = await runChild("1m");

  const rows = large.queries.map((q, i) => {
    const s = small.queries[i]!;
    return { name: q.name, p50_10k: s.p50, p95_10k: s.p95, p50_1m: q.p50, p95_1m: q.p95, ratio: q.p95 / s.p95, bytes_1m: q.bytes, rows_1m: q.rows };
  });
  const result = {
    cores: os.cpus().length,
    rounds: ROUNDS,
    sizes: { "10k": { messages: small.messages, conversations: small.conversations, builtInSeconds: small.buildSeconds }, "1m": { messages: large.messages, conversations: large.conversations, builtInSeconds: large.buildSeconds } },
    queries: rows,
    retention: { "10k": small.retention, "1m": large.retention },
    worst: { p95_1m: Math.max(...rows.map((r) => r.p95_1m)), ratio: Math.max(...rows.map((r) => r.ratio)) },
    measuredAt: new Date().toISOString(),
  };
  const f = (n: number, d = 1) => n.toFixed(d);
  console.log(
    [
      `cores ${result.cores} · ${ROUNDS} requests per query, one at a time · 10k: ${small.messages} messages / ${small.conversations} conversations · 1M: ${large.messages} messages / ${large.conversations} conversations (built in ${f(large.buildSeconds)} s)`,
      `${"query".padEnd(30)} ${"p50 10k".padStart(8)} ${"p95 10k".padStart(8)} ${"p50 1M".padStart(8)} ${"p95 1M".padStart(8)} ${"ratio".padStart(6)} ${"bytes 1M".padStart(9)}`,
      ...rows.map((r) => `${r.name.padEnd(30)} ${f(r.p50_10k).padStart(8)} ${f(r.p95_10k).padStart(8)} ${f(r.p50_1m).padStart(8)} ${f(r.p95_1m).padStart(8)} ${f(r.ratio, 2).padStart(6)} ${String(r.bytes_1m).padStart(9)}`),
      ...[small, large].flatMap((r) =>
        r.retention
          ? [`retention pass during ${r.label}: ${r.retention.deleted} of ${r.retention.stored} expired events deleted in ${r.retention.batches} batches, ${f(r.retention.seconds)} s${r.retention.endedAfterMeasuring ? " (the pass ended after the measuring)" : ""}`]
          : [],
      ),
      `worst p95 at 1M ${f(result.worst.p95_1m)} ms (target ≤ 50) · worst p95(1M)/p95(10k) ${f(result.worst.ratio, 2)} (target ≤ 1.3) · times in ms`,
    ].join("\n"),
  );
  writeResult("inbox", result);
}

await main();
process.exit(0);
