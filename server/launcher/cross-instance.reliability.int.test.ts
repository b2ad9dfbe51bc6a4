/**
 * The production topology end to end: two web instances and one ingest worker process (INGEST_WORKER=process)
 * on one PostgreSQL database, and one shared realtime server (`npm run realtime`'s options), every process
 * configured with the same PUSHER_* values. A pusher-js client signed in and subscribed through instance A hears
 * `message.created` for a webhook posted to instance B (stored by B, turned into a message and published by the
 * worker).
 */
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import postgres from "postgres";
import pusherJsModule from "pusher-js";
import type { Channel, Options as ClientOptions } from "pusher-js";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createDatabase } from "../../db";
import { migrateDatabase } from "../../db/migrate";
import { seedCompany } from "../../db/seed";
import { parseEnv } from "../env.js";
import { companyChannel } from "../realtime/channels";
import { sharedRealtimeServerOptions } from "../realtime/config";
import { startEmbeddedPusher } from "../realtime/embedded-server";
import { post, startWebInstance, startWorkerProcess, type Instance } from "../testing/web-instances";

type Client = Channel["pusher"];
const PusherClient = (() => {
  const loaded: unknown = pusherJsModule;
  const candidate = typeof loaded === "function" ? loaded : (loaded as { default?: unknown }).default;
  return candidate as new (key: string, options: ClientOptions) => Client;
})();

const onPostgres = inject("databaseKind") === "postgres";
const admin = onPostgres ? postgres(inject("databaseUrl"), { max: 1, onnotice: () => undefined }) : undefined;
const dbName = `cross_${randomBytes(5).toString("hex")}`;
afterAll(async () => {
  if (!admin) return;
  await admin.unsafe(`drop database if exists ${dbName} with (force)`).catch(() => undefined);
  await admin.end({ timeout: 5 });
});

const shared = { PUSHER_APP_ID: "crossinstance", PUSHER_KEY: "cross-key", PUSHER_SECRET: "cross-secret-of-some-good-length" };

describe.runIf(onPostgres)("two web instances, one worker, one shared realtime server", () => {
  it("a client subscribed through instance A receives message.created for a webhook posted to instance B", { timeout: 120_000 }, async () => {
    await admin!.unsafe(`create database ${dbName}`);
    const url = new URL(inject("databaseUrl"));
    url.pathname = `/${dbName}`;
    const databaseUrl = url.toString();
    await migrateDatabase(databaseUrl);
    const { db, client } = createDatabase(databaseUrl, 1);
    const realtime = await startEmbeddedPusher(sharedRealtimeServerOptions(parseEnv({ ...shared, REALTIME_HOST: "127.0.0.1", REALTIME_PORT: "0" })));
    const env = {
      ...shared,
      PUSHER_HOST: realtime.host,
      PUSHER_PORT: String(realtime.port),
      PUSHER_USE_TLS: "false",
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_MAX: "4",
      JOBS_ENABLED: "true",
      INGEST_WORKER: "process",
    };
    const children: Omit<Instance, "port">[] = [];
    let pusher: Client | undefined;
    try {
      const co = await seedCompany(db, { slug: `cross${Date.now()}`, name: "Cross Co" });
      const a = await startWebInstance(env);
      const b = await startWebInstance(env);
      children.push(a, b, await startWorkerProcess(env));

      // The browser of instance A: signs in and subscribes with A's signatures.
      const auth = async (params: Record<string, string>) => {
        const answer = await post(a.port, "/test/realtime-auth", { "content-type": "application/x-www-form-urlencoded" }, new URLSearchParams(params).toString());
        if (typeof answer === "string" || answer.status !== 200) throw new Error(`instance A refused: ${JSON.stringify(answer)}`);
        return JSON.parse(answer.body) as { auth: string; user_data?: string };
      };
      pusher = new PusherClient(shared.PUSHER_KEY, {
        cluster: "",
        wsHost: realtime.host,
        wsPort: realtime.port,
        forceTLS: false,
        enabledTransports: ["ws"],
        channelAuthorization: { customHandler: ({ socketId, channelName }, cb) => void auth({ socket_id: socketId, channel_name: channelName }).then((r) => cb(null, r), (e: Error) => cb(e, null)) },
        userAuthentication: { customHandler: ({ socketId }, cb) => void auth({ socket_id: socketId, user_id: "session-a" }).then((r) => cb(null, r as never), (e: Error) => cb(e, null)) },
      });
      pusher.signin();
      const channel = pusher.subscribe(companyChannel(co.companyId));
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("no subscription within 10 s")), 10_000);
        channel.bind("pusher:subscription_succeeded", () => (clearTimeout(timer), resolve()));
        channel.bind("pusher:subscription_error", (e: unknown) => (clearTimeout(timer), reject(new Error(JSON.stringify(e)))));
      });
      const events: { conversationId: string; messageId: string }[] = [];
      channel.bind("message.created", (data: { conversationId: string; messageId: string }) => events.push(data));

      const text = `across instances ${randomBytes(4).toString("hex")}`;
      const updateId = 900_000_000 + Math.floor(Math.random() * 1_000_000);
      const from = { id: 7_777_001, first_name: "Cross", is_bot: false };
      const answer = await post(
        b.port,
        `/api/webhooks/telegram/${co.telegram.channelId}`,
        { "x-telegram-bot-api-secret-token": co.telegram.webhookSecret },
        JSON.stringify({ update_id: updateId, message: { message_id: 1, date: Math.floor(Date.now() / 1000), chat: { ...from, type: "private" }, from, text } }),
      );
      expect(answer).toMatchObject({ status: 200 });

      let messageId: string | undefined;
      const deadline = Date.now() + 30_000;
      while (!messageId || !events.some((e) => e.messageId === messageId)) {
        if (Date.now() > deadline) throw new Error(`no message.created for the webhook: message ${messageId ?? "not stored"}, events ${JSON.stringify(events)}`);
        const rows = await client<{ id: string }[]>`select id from messages where company_id = ${co.companyId} and text = ${text}`;
        messageId = rows[0]?.id;
        await sleep(100);
      }
      expect(events.find((e) => e.messageId === messageId)!.conversationId).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      pusher?.disconnect();
      for (const c of children) if (c.proc.exitCode === null) c.proc.kill("SIGTERM");
      await Promise.all(children.map((c) => c.exited));
      await realtime.close();
      await client.end({ timeout: 5 });
    }
  });
});
