/**
 * `npm run bench:live`: how soon a customer's message reaches the operators' browsers. An operator signs in like
 * a browser (next-auth CSRF token + credentials callback) and subscribes with pusher-js to the company's private
 * channel, authorized through /api/realtime/auth with the session cookie, exactly as the inbox does. Telegram
 * webhooks are then posted at a steady 100 updates/s (BENCH_RATE) for BENCH_SECONDS (default 20) from 500 chats;
 * for each, the time from the webhook's POST to the `message.created` event announcing that message (matched by
 * the event's messageId → the message's text). Prints p50, p99, the slowest and how many never arrived, with the
 * webhook's own acknowledgement p50 / p99 and the core count; writes them to .data/bench/live.json.
 * Targets: p50 ≤ 50 ms, p99 ≤ 200 ms, none missing. Asserts nothing (figures, never timed tests), not part of CI.
 *
 * Runs the production build (`next start` through the launcher's stack) on a throwaway PostgreSQL database
 * beside TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test), dropped at the end. Loopback only,
 * bounded in count and time.
 */
import os from "node:os";
import { performance } from "node:perf_hooks";
import { configureApp, ensureBuild, freePort, percentile, signIn, startApp, throwawayDatabase, vars, writeResult } from "./harness";

const RATE = Math.min(Number(vars.BENCH_RATE ?? 100), 500);
const SECONDS = Math.min(Number(vars.BENCH_SECONDS ?? 20), 120);
const TOTAL = RATE * SECONDS;
const CHATS = 500;
const WARMUP = 50;
const SETTLE_MS = 15_000;

const updateBody = (updateId: number, text: string) => {
  const chat = 600_000_000 + (updateId % CHATS);
  return JSON.stringify({
    update_id: updateId,
    message: { message_id: updateId, date: Math.floor(Date.now() / 1000), chat: { id: chat, type: "private", first_name: "Live" }, from: { id: chat, is_bot: false, first_name: "Live" }, text },
  });
};

async function main() {
  vars.NEXTAUTH_SECRET ??= "bench-secret-bench-secret-bench-secret-0001";
  vars.ENCRYPTION_KEY ??= Buffer.alloc(32, 7).toString("base64");
  ensureBuild();
  const database = await throwawayDatabase("live");
  const stops: (() => Promise<void>)[] = [];
  let result: Record<string, unknown> | undefined;
  try {
    const port = await freePort();
    await configureApp(database.url, port);
    const { migrateDatabase } = await import("../../db/migrate");
    const { createDatabase } = await import("../../db");
    const { seedCompany } = await import("../../db/seed");
    const { serverRealtimeConfig } = await import("../realtime/config");
    const { companyChannel } = await import("../realtime/channels");
    await migrateDatabase(database.url);
    const { db, client } = createDatabase(database.url, 2);
    stops.push(() => client.end({ timeout: 5 }));
    const co = await seedCompany(db, { slug: "bench-live", name: "Bench live" });

    const app = await startApp(port);
    stops.push(app.stop);
    const cookie = await signIn(app.url, co.operators[0]!.email, "switchboard");

    // The browser's subscription: pusher-js over WebSocket to the realtime server, private channel authorized by the app.
    const { default: Pusher } = await import("pusher-js");
    const realtime = serverRealtimeConfig({ production: true });
    const pusher = new Pusher(realtime.key, {
      cluster: realtime.cluster,
      wsHost: "127.0.0.1",
      wsPort: realtime.port,
      wssPort: realtime.port,
      forceTLS: false,
      enabledTransports: ["ws"],
      disableStats: true,
      channelAuthorization: {
        customHandler: ({ socketId, channelName }, callback) => {
          fetch(`${app.url}/api/realtime/auth`, {
            method: "POST",
            headers: { "content-type": "application/x-www-form-urlencoded", cookie },
            body: new URLSearchParams({ socket_id: socketId, channel_name: channelName }),
          })
            .then(async (r) => (r.ok ? ((await r.json()) as { auth: string }) : Promise.reject(new Error(`realtime auth answered ${r.status}`))))
            .then((data) => callback(null, data), (error: Error) => callback(error, null));
        },
      },
      // The realtime server closes sockets that do not sign in as a session, as the browser's does.
      userAuthentication: {
        endpoint: "/api/realtime/user-auth",
        transport: "ajax",
        customHandler: ({ socketId }, callback) => {
          fetch(`${app.url}/api/realtime/user-auth`, {
            method: "POST",
            headers: { "content-type": "application/x-www-form-urlencoded", cookie },
            body: new URLSearchParams({ socket_id: socketId }),
          })
            .then(async (r) => (r.ok ? ((await r.json()) as { auth: string; user_data: string }) : Promise.reject(new Error(`realtime user auth answered ${r.status}`))))
            .then((data) => callback(null, data), (error: Error) => callback(error, null));
        },
      },
    });
    pusher.signin();
    stops.push(async () => pusher.disconnect());
    const arrived: { messageId: string; at: number }[] = [];
    const channel = pusher.subscribe(companyChannel(co.companyId));
    channel.bind("message.created", (data: { messageId: string }) => arrived.push({ messageId: data.messageId, at: performance.now() }));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("the realtime subscription did not succeed within 15 s")), 15_000);
      channel.bind("pusher:subscription_succeeded", () => (clearTimeout(timer), resolve()));
      channel.bind("pusher:subscription_error", (e: unknown) => (clearTimeout(timer), reject(new Error(`subscription refused: ${JSON.stringify(e)}`))));
    });

    const hook = `${app.url}/api/webhooks/telegram/${co.telegram.channelId}`;
    const headers = { "content-type": "application/json", "x-telegram-bot-api-secret-token": co.telegram.webhookSecret };
    const acks: number[] = [];
    let failedPosts = 0;
    const post = async (updateId: number, text: string) => {
      const t0 = performance.now();
      try {
        const r = await fetch(hook, { method: "POST", headers, body: updateBody(updateId, text) });
        await r.arrayBuffer();
        if (r.status !== 200) failedPosts++;
      } catch {
        failedPosts++;
      }
      return performance.now() - t0;
    };

    // Warm the route, the worker and the socket; not measured.
    for (let i = 0; i < WARMUP; i++) await post(900_000_000 + i, `warmup ${i}`);
    await new Promise((r) => setTimeout(r, 2000));
    failedPosts = 0;
    arrived.length = 0;

    // Steady rate: update i leaves at start + i / RATE, whatever the earlier ones are doing.
    console.log(`bench:live: ${TOTAL} updates at ${RATE}/s …`);
    const postedAt: number[] = new Array(TOTAL);
    const inFlight: Promise<void>[] = [];
    const start = performance.now();
    for (let i = 0; i < TOTAL; i++) {
      const due = start + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      postedAt[i] = performance.now();
      inFlight.push(post(i + 1, `live ${i}`).then((ms) => void acks.push(ms)));
    }
    await Promise.all(inFlight);
    const sentSeconds = (performance.now() - start) / 1000;
    const settleBy = performance.now() + SETTLE_MS;
    while (arrived.length < TOTAL && performance.now() < settleBy) await new Promise((r) => setTimeout(r, 100));

    // messageId → which update it was, from the stored text.
    const byId = new Map<string, number>();
    const ids = arrived.map((a) => a.messageId);
    for (let k = 0; k < ids.length; k += 1000) {
      const rows = await client<{ id: string; text: string }[]>`select id::text as id, text from messages where id = any(${ids.slice(k, k + 1000)}::uuid[])`;
      for (const r of rows) {
        const m = /^live (\d+)$/.exec(r.text);
        if (m) byId.set(r.id, Number(m[1]));
      }
    }
    const latency = new Map<number, number>();
    for (const a of arrived) {
      const i = byId.get(a.messageId);
      if (i !== undefined && !latency.has(i)) latency.set(i, a.at - postedAt[i]!);
    }
    const sorted = [...latency.values()].sort((a, b) => a - b);
    acks.sort((a, b) => a - b);
    result = {
      cores: os.cpus().length,
      rate: RATE,
      seconds: SECONDS,
      updates: TOTAL,
      achievedRate: TOTAL / sentSeconds,
      chats: CHATS,
      received: latency.size,
      missing: TOTAL - latency.size,
      failedPosts,
      p50Ms: percentile(sorted, 50),
      p99Ms: percentile(sorted, 99),
      maxMs: sorted.at(-1) ?? 0,
      over200Ms: sorted.filter((ms) => ms > 200).length,
      ackP50Ms: percentile(acks, 50),
      ackP99Ms: percentile(acks, 99),
      measuredAt: new Date().toISOString(),
    };
  } finally {
    for (const s of stops.reverse()) await s().catch(() => undefined);
    await database.drop();
  }
  const r = result as Record<string, number>;
  const f = (k: string, d = 1) => (r[k] ?? 0).toFixed(d);
  console.log(
    [
      `cores ${r.cores} · ${r.updates} Telegram updates at ${r.rate}/s (achieved ${f("achievedRate")}/s) from ${CHATS} chats · one pusher-js client subscribed like the browser`,
      `webhook POST → message.created: p50 ${f("p50Ms")} ms  p99 ${f("p99Ms")} ms  max ${f("maxMs")} ms  over 200 ms ${r.over200Ms}  missing ${r.missing}  (targets: p50 ≤ 50, p99 ≤ 200, none missing)`,
      `webhook acknowledgement: p50 ${f("ackP50Ms")} ms  p99 ${f("ackP99Ms")} ms  failed posts ${r.failedPosts}`,
    ].join("\n"),
  );
  writeResult("live", result);
}

await main();
process.exit(0);
