/**
 * `npm run bench:presence`: what presence in a conversation costs the realtime server at 100 operators
 * (BENCH_OPERATORS). The embedded Pusher-protocol server runs in a child process of its own (so its CPU time is
 * its own); 100 real pusher-js clients connect, each subscribed to the company's private channel as the inbox is.
 * Phase 1 (baseline): they sit idle for BENCH_SECONDS (default 20). Phase 2 (presence): each has a conversation
 * open (two operators per conversation, on its presence channel), every one of them types all the time — one
 * `client-typing` every 3 s, the composer's throttle, the worst case — and every 10 s a quarter of them move to
 * another conversation (member_removed / member_added). Prints, with the core count: the server's CPU time per
 * second of each phase, its memory, messages in and out per second, typing latency p50 / p99 from sender to the
 * colleague, and what a server-relayed design (each signal POSTed to the app, published on the company channel)
 * would send instead. Writes them to .data/bench/presence.json. Asserts nothing; not part of CI. Loopback only.
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import os from "node:os";
import Pusher from "pusher";
import { WebSocket } from "ws";
import PusherClient from "pusher-js";
import type { Channel } from "pusher-js";
import { startEmbeddedPusher } from "../realtime/embedded-server";
import { TYPING_EVENT, TYPING_SIGNAL_INTERVAL_MS } from "../realtime/presence";
import { percentile, vars, writeResult } from "./harness";

const OPERATORS = Math.min(Number(vars.BENCH_OPERATORS ?? 100), 500);
const SECONDS = Math.min(Number(vars.BENCH_SECONDS ?? 20), 120);
const SWITCH_EVERY_MS = 10_000;
const APP = { appId: "bench", key: "bench-key", secret: "bench-secret" };
const COMPANY = "00000000-0000-4000-8000-000000000001";

type Usage = { cpuMs: number; rssMb: number; received: number; sent: number };

/** The child: the embedded server, counting frames in and out, reporting its CPU time when asked. */
async function serve() {
  const server = await startEmbeddedPusher({ ...APP, port: 0 });
  let received = 0;
  let sent = 0;
  // Count frames at the socket layer without touching the server: wrap ws's send and message emit.
  const proto = WebSocket.prototype as unknown as { send: (...a: unknown[]) => void; emit: (...a: unknown[]) => boolean };
  const send = proto.send;
  proto.send = function (this: unknown, ...a: unknown[]) {
    sent++;
    return send.apply(this, a);
  };
  const emit = proto.emit;
  proto.emit = function (this: unknown, ...a: unknown[]) {
    if (a[0] === "message") received++;
    return emit.apply(this, a);
  };
  process.send?.({ port: server.port });
  process.on("message", (m: string) => {
    if (m !== "usage") return;
    const cpu = process.cpuUsage();
    const usage: Usage = { cpuMs: (cpu.user + cpu.system) / 1000, rssMb: process.memoryUsage().rss / 2 ** 20, received, sent };
    process.send?.(usage);
  });
}

function ask(child: ChildProcess): Promise<Usage> {
  return new Promise((resolve) => {
    child.once("message", (m) => resolve(m as Usage));
    child.send("usage");
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const child = fork(fileURLToPath(import.meta.url), ["--serve"], { execArgv: ["--import", "tsx"], stdio: "inherit" });
  const port = await new Promise<number>((resolve) => child.once("message", (m) => resolve((m as { port: number }).port)));
  const sdk = new Pusher({ ...APP, host: "127.0.0.1", port: String(port), useTLS: false });
  const clients: PusherClient[] = [];
  const latencies: number[] = [];
  try {
    for (let i = 0; i < OPERATORS; i++) {
      const userId = `operator-${i}`;
      const client = new PusherClient(APP.key, {
        cluster: "bench",
        wsHost: "127.0.0.1",
        wsPort: port,
        forceTLS: false,
        enabledTransports: ["ws"],
        disableStats: true,
        channelAuthorization: {
          customHandler: ({ socketId, channelName }, cb) =>
            cb(null, channelName.startsWith("presence-") ? sdk.authorizeChannel(socketId, channelName, { user_id: userId, user_info: { name: `Operator ${i}` } }) : sdk.authorizeChannel(socketId, channelName)),
        },
      });
      clients.push(client);
      await new Promise<void>((resolve) => client.connection.bind("connected", () => resolve()));
      await new Promise<void>((resolve) => client.subscribe(`private-company-${COMPANY}`).bind("pusher:subscription_succeeded", () => resolve()));
    }

    // Phase 1: connected and idle, as the inbox is today.
    const idleStart = await ask(child);
    await sleep(SECONDS * 1000);
    const idleEnd = await ask(child);

    // Phase 2: two operators per conversation, all typing, a quarter moving every 10 s.
    const conversations = Math.max(1, Math.floor(OPERATORS / 2));
    const room = (n: number) => `presence-conversation-${COMPANY}-00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
    const open = new Map<number, Channel>();
    const join = async (i: number, n: number) => {
      const previous = open.get(i);
      if (previous) clients[i]!.unsubscribe(previous.name);
      const channel = clients[i]!.subscribe(room(n));
      channel.bind(TYPING_EVENT, (data: { at?: number }) => {
        if (typeof data.at === "number") latencies.push(Date.now() - data.at);
      });
      open.set(i, channel);
      await new Promise<void>((resolve) => channel.bind("pusher:subscription_succeeded", () => resolve()));
    };
    await Promise.all(clients.map((_, i) => join(i, i % conversations)));
    const busyStart = await ask(child);
    const timers: NodeJS.Timeout[] = [];
    clients.forEach((_, i) => {
      // Spread over the interval, as people do not start typing at the same instant.
      const start = setTimeout(() => {
        const type = () => open.get(i)?.trigger(TYPING_EVENT, { mode: "reply", at: Date.now() });
        type();
        timers.push(setInterval(type, TYPING_SIGNAL_INTERVAL_MS));
      }, Math.random() * TYPING_SIGNAL_INTERVAL_MS);
      timers.push(start);
    });
    let round = 0;
    timers.push(
      setInterval(() => {
        round++;
        for (let i = round % 4; i < OPERATORS; i += 4) void join(i, (i + round * 7) % conversations);
      }, SWITCH_EVERY_MS),
    );
    await sleep(SECONDS * 1000);
    timers.forEach((t) => clearInterval(t));
    const busyEnd = await ask(child);

    const perSecond = (a: Usage, b: Usage, key: keyof Usage) => (b[key] - a[key]) / SECONDS;
    latencies.sort((x, y) => x - y);
    const typingPerSecond = OPERATORS / (TYPING_SIGNAL_INTERVAL_MS / 1000);
    const result = {
      cores: os.cpus().length,
      operators: OPERATORS,
      seconds: SECONDS,
      idle: { cpuMsPerSecond: perSecond(idleStart, idleEnd, "cpuMs"), framesInPerSecond: perSecond(idleStart, idleEnd, "received"), framesOutPerSecond: perSecond(idleStart, idleEnd, "sent"), rssMb: Math.round(idleEnd.rssMb) },
      presence: {
        cpuMsPerSecond: perSecond(busyStart, busyEnd, "cpuMs"),
        framesInPerSecond: perSecond(busyStart, busyEnd, "received"),
        framesOutPerSecond: perSecond(busyStart, busyEnd, "sent"),
        rssMb: Math.round(busyEnd.rssMb),
        typingLatencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), samples: latencies.length },
      },
      /** The same typing, relayed by the app on the company channel: every operator hears every signal. */
      serverRelayedWouldSendPerSecond: { appRequests: typingPerSecond, framesOut: typingPerSecond * OPERATORS },
    };
    console.log(
      [
        `bench:presence — ${OPERATORS} operators, ${SECONDS} s per phase, ${result.cores} cores`,
        `  idle (company channel only): server CPU ${result.idle.cpuMsPerSecond.toFixed(1)} ms/s, frames in ${result.idle.framesInPerSecond.toFixed(1)}/s, out ${result.idle.framesOutPerSecond.toFixed(1)}/s, RSS ${result.idle.rssMb} MB`,
        `  presence + everyone typing: server CPU ${result.presence.cpuMsPerSecond.toFixed(1)} ms/s, frames in ${result.presence.framesInPerSecond.toFixed(1)}/s, out ${result.presence.framesOutPerSecond.toFixed(1)}/s, RSS ${result.presence.rssMb} MB`,
        `  typing latency p50 ${result.presence.typingLatencyMs.p50} ms, p99 ${result.presence.typingLatencyMs.p99} ms (${latencies.length} signals)`,
        `  server-relayed instead: ${typingPerSecond.toFixed(1)} app requests/s and ${result.serverRelayedWouldSendPerSecond.framesOut.toFixed(0)} frames out/s`,
      ].join("\n"),
    );
    writeResult("presence", result);
  } finally {
    for (const c of clients) c.disconnect();
    child.kill();
  }
}

if (process.argv.includes("--serve")) void serve();
else
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
