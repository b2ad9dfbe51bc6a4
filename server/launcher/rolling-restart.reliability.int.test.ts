/**
 * Reliability: a rolling restart under load. Two web instances (server/testing/web-instance-process.ts: the
 * webhook intake, the app process's background work — queue runner, pg-boss, ingest worker — and `npm start`'s
 * SIGTERM path) share a throwaway database on the suite's PostgreSQL. Signed webhooks and replies keep coming, each
 * to either instance as a load balancer would send them (a refused connection goes to the other); Telegram takes
 * 0.8 s to answer each send, so sends are always in flight. One instance leaves the rotation and gets SIGTERM
 * mid-load, as an orchestrator does it, and is started again.
 * Every acknowledged webhook must become exactly one message, every acknowledged reply reach Telegram exactly once
 * and be recorded as sent, every queued email be sent, and no request be cut.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import postgres from "postgres";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createDatabase } from "../../db";
import { migrateDatabase } from "../../db/migrate";
import { seedCompany } from "../../db/seed";
import { emailDeliveries } from "../../db/schema";
import { prepareTelegramFake } from "../sandbox/prepare-telegram";
import { startTelegramFake } from "../sandbox/telegram-fake";
import { post, startWebInstance, type Instance } from "../testing/web-instances";

const onPostgres = inject("databaseKind") === "postgres";

/** Resend, taking 0.3 s per email: each email it received, by subject. */
async function startResendFake() {
  const received: string[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", () => {
      received.push(String((JSON.parse(body) as { subject?: string }).subject));
      setTimeout(() => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id: randomUUID() })), 300);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, close: () => new Promise((resolve) => server.close(resolve)) };
}

let fakes: { telegram: string; resend: string } = { telegram: "", resend: "" };
const startInstance = (databaseUrl: string) =>
  startWebInstance({
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_MAX: "5",
    JOBS_ENABLED: "true",
    INGEST_WORKER: "app",
    TELEGRAM_API_BASE_URL: fakes.telegram,
    RESEND_API_KEY: "re_rolling_restart_test",
    RESEND_BASE_URL: fakes.resend,
  });

const admin = onPostgres ? postgres(inject("databaseUrl"), { max: 1, onnotice: () => undefined }) : undefined;
const dbName = `rolling_${randomBytes(5).toString("hex")}`;
afterAll(async () => {
  if (!admin) return;
  await admin.unsafe(`drop database if exists ${dbName} with (force)`).catch(() => undefined);
  await admin.end({ timeout: 5 });
});

describe.runIf(onPostgres)("rolling restart under load", () => {
  it("SIGTERM to one of two instances loses, cuts and repeats nothing: webhooks, replies and emails each exactly once", { timeout: 240_000 }, async () => {
    await admin!.unsafe(`create database ${dbName}`);
    const url = new URL(inject("databaseUrl"));
    url.pathname = `/${dbName}`;
    const databaseUrl = url.toString();
    await migrateDatabase(databaseUrl);
    const { db, client } = createDatabase(databaseUrl, 2);
    const telegram = await startTelegramFake();
    const resend = await startResendFake();
    fakes = { telegram: telegram.url, resend: resend.url };
    const instances: Instance[] = [];
    try {
      const co = await seedCompany(db, { slug: `rolling${Date.now()}`, name: "Rolling Co" });
      await prepareTelegramFake(db, telegram, "http://127.0.0.1:9");
      // Telegram takes its time with every reply: at any moment some are in flight.
      telegram.slow({ botId: co.telegram.botToken.split(":")[0]!, method: "sendMessage", delayMs: 800 });
      // Emails queued before the load: Resend answers each in 0.3 s, so the email pass is mid-way at the SIGTERM.
      const EMAILS = 40;
      await db.insert(emailDeliveries).values(
        Array.from({ length: EMAILS }, (_, i) => ({
          companyId: co.companyId,
          dedupeKey: `rolling:${dbName}:${i}`,
          kind: "test",
          toAddress: "owner@rolling.example",
          subject: `Rolling ${i}`,
          html: "<p>hi</p>",
          textBody: "hi",
        })),
      );

      instances.push(await startInstance(databaseUrl), await startInstance(databaseUrl));
      const ports = instances.map((i) => i.port);
      let next = 0;
      const cut: string[] = [];
      /** A load balancer: round robin over the live instances; a refused connection is tried on the next one. */
      const send = async (pathname: string, headers: Record<string, string>, body: string) => {
        for (let tries = 0; tries < 200; tries++) {
          const port = ports[next++ % ports.length]!;
          const answer = await post(port, pathname, headers, body);
          if (answer === "refused") {
            await sleep(20);
            continue;
          }
          if (answer === "cut") {
            cut.push(pathname);
            return undefined;
          }
          return answer;
        }
        throw new Error("no instance took the request");
      };

      const hook = `/api/webhooks/telegram/${co.telegram.channelId}`;
      const secret = { "x-telegram-bot-api-secret-token": co.telegram.webhookSecret };
      const CHATS = 8;
      let updateId = 800_000_000;
      const update = (chat: number, text: string) => {
        const id = ++updateId;
        const from = { id: 7_100 + chat, first_name: `Rolling ${chat}`, is_bot: false };
        return JSON.stringify({ update_id: id, message: { message_id: id, date: Math.floor(Date.now() / 1000), chat: { ...from, type: "private" }, from, text } });
      };
      // The chats exist before the load, so replies have conversations to go to.
      for (let chat = 0; chat < CHATS; chat++) expect((await send(hook, secret, update(chat, `rolling hello ${chat}`)))?.status).toBe(200);
      let conversationIds: string[] = [];
      for (const until = Date.now() + 20_000; conversationIds.length < CHATS && Date.now() < until; await sleep(100)) {
        conversationIds = (await client<{ id: string }[]>`select id from conversations where company_id = ${co.companyId} and contact_id in (select id from contacts where display_name like 'Rolling %')`).map((r) => r.id);
      }
      expect(conversationIds).toHaveLength(CHATS);

      const UPDATES = 360;
      const REPLIES = 48;
      const acked: string[] = [];
      const replied: string[] = [];
      let restarted = false;
      const restart = (async () => {
        while (acked.length < UPDATES / 3) await sleep(20);
        const victim = instances[0]!;
        // As an orchestrator does: the instance leaves the balancer's rotation as it gets SIGTERM; requests already
        // on their way to it must still be answered.
        ports.splice(ports.indexOf(victim.port), 1);
        victim.proc.kill("SIGTERM");
        const code = await victim.exited;
        expect(code).toBe(0);
        expect(victim.output()).toContain("stopped drained");
        const again = await startInstance(databaseUrl);
        instances.push(again);
        ports.push(again.port);
        restarted = true;
      })();
      const webhookLoad = Promise.all(
        Array.from({ length: 6 }, async (_, lane) => {
          for (let i = lane; i < UPDATES; i += 6) {
            const text = `rolling update ${i}`;
            const answer = await send(hook, secret, update(i % CHATS, text));
            if (answer?.status === 200) acked.push(text);
            await sleep(15);
          }
        }),
      );
      const replyLoad = Promise.all(
        Array.from({ length: 2 }, async (_, lane) => {
          for (let i = lane; i < REPLIES; i += 2) {
            const text = `rolling reply ${i}`;
            const body = JSON.stringify({ companyId: co.companyId, userId: co.operators[0]!.id, conversationId: conversationIds[i % CHATS], text });
            const answer = await send("/test/reply", {}, body);
            if (answer?.status === 200) replied.push(text);
            await sleep(80);
          }
        }),
      );
      await Promise.all([webhookLoad, replyLoad, restart]);
      expect(restarted).toBe(true);
      expect(cut).toEqual([]);
      expect(acked).toHaveLength(UPDATES);
      expect(replied).toHaveLength(REPLIES);

      // Everything settles: the backlog drains, the sends finish, the emails go.
      const settledBy = Date.now() + 60_000;
      for (;;) {
        const [row] = await client<{ waiting: number; sending: number; emails: number }[]>`
          select (select count(*)::int from inbound_events where status = 'received') as waiting,
                 (select count(*)::int from outbound_sends where status <> 'sent') as sending,
                 (select count(*)::int from email_deliveries where status <> 'sent') as emails`;
        if (row!.waiting === 0 && row!.sending === 0 && row!.emails === 0) break;
        if (Date.now() > settledBy) throw new Error(`not settled: ${JSON.stringify(row)} ${JSON.stringify(await client`select status, last_error from outbound_sends where status <> 'sent'`)}`);
        await sleep(250);
      }
      const stored = await client<{ text: string; n: number; direction: string; status: string }[]>`
        select text, direction::text, delivery_status::text as status, count(*)::int as n from messages
         where company_id = ${co.companyId} and text like 'rolling %' group by text, direction, delivery_status`;
      const inbound = stored.filter((m) => m.direction === "inbound" && m.text.startsWith("rolling update"));
      expect(inbound.map((m) => m.text).sort()).toEqual([...acked].sort());
      expect(inbound.filter((m) => m.n !== 1)).toEqual([]);
      const outbound = stored.filter((m) => m.direction === "outbound");
      expect(outbound.map((m) => m.text).sort()).toEqual([...replied].sort());
      expect(outbound.filter((m) => m.n !== 1 || m.status !== "sent")).toEqual([]);
      const delivered = new Map<string, number>();
      for (const c of telegram.calls) if (c.method === "sendMessage") delivered.set(String(c.params.text), (delivered.get(String(c.params.text)) ?? 0) + 1);
      expect(replied.filter((text) => delivered.get(text) !== 1)).toEqual([]);
      const [emails] = await client<{ sent: number }[]>`select count(*)::int as sent from email_deliveries where status = 'sent' and company_id = ${co.companyId}`;
      expect(emails!.sent).toBe(EMAILS);
      const rolling = resend.received.filter((subject) => subject.startsWith("Rolling "));
      expect(rolling).toHaveLength(EMAILS);
      expect(new Set(rolling).size).toBe(EMAILS);
    } finally {
      for (const i of instances) if (i.proc.exitCode === null) i.proc.kill("SIGTERM");
      await Promise.all(instances.map((i) => i.exited));
      await telegram.close();
      await resend.close();
      await client.end({ timeout: 5 });
    }
  });
});
