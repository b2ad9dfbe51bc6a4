import { randomInt } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { and, eq, inArray } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "../../db";
import { contacts, conversations, emailDeliveries, messages, outboundSends } from "../../db/schema";
import { deliverDueEmails } from "../email/deliver-due-emails";
import { queueEmail } from "../email/queue-email";
import { resendTransport } from "../email/resend-transport";
import { env, processEnvironment } from "../env.js";
import { callerFor, postTelegramUpdate, seedTestCompany } from "../testing/factories";
import { telegramFake } from "../testing/setup";
import { kickJobs, startJobRunner, stopJobRunner } from "./runner";

// Before anything reads the configuration (env() is read once, on first use): a short send deadline, so that
// a call that hangs ends in seconds here rather than the production default's 15.
const SEND_TIMEOUT_MS = 4000;
processEnvironment().SEND_TIMEOUT_MS = String(SEND_TIMEOUT_MS);

const fixture = JSON.parse(readFileSync(new URL("../../e2e/fixtures/telegram/update_message_text.json", import.meta.url), "utf8")) as { message: Record<string, unknown> };

type Company = Awaited<ReturnType<typeof seedTestCompany>>;
const botOf = (co: Company) => co.telegram.botToken.split(":")[0]!;

/** A customer writes to the company's bot from a chat of their own; answers that conversation's id and chat id. */
async function customerWrites(co: Company): Promise<{ conversationId: string; chatId: string }> {
  const chat = randomInt(100_000_000, 2 ** 40);
  const from = { id: chat, is_bot: false, first_name: "Ivan" };
  await postTelegramUpdate(co.telegram.channelId, co.telegram.webhookSecret, {
    update_id: randomInt(1, 2 ** 40),
    message: { ...fixture.message, message_id: randomInt(1, 2 ** 30), from, chat: { id: chat, first_name: "Ivan", type: "private" } },
  });
  const [row] = await db
    .select({ id: conversations.id })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(and(eq(contacts.channelId, co.telegram.channelId), eq(contacts.externalId, String(chat))));
  return { conversationId: row!.id, chatId: String(chat) };
}

const reply = (co: Company, conversationId: string, text: string) =>
  callerFor({ id: co.operators[0]!.id, companyId: co.companyId, role: "operator" }).inbox.reply({ conversationId, text });

type Written = { id: string; text: string };
const write = async (co: Company, conversationId: string, text: string): Promise<Written> => ({ id: (await reply(co, conversationId, text)).id, text });

const arrivals = (text: string) => telegramFake.calls.filter((c) => c.method === "sendMessage" && c.params.text === text);
const statusOf = async (ids: string[]) => db.select({ id: messages.id, deliveryStatus: messages.deliveryStatus, failureReason: messages.failureReason }).from(messages).where(inArray(messages.id, ids));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const tag = () => randomInt(1, 2 ** 40);

beforeAll(() => {
  expect(env().SEND_TIMEOUT_MS).toBe(SEND_TIMEOUT_MS);
});

afterEach(async () => {
  telegramFake.release();
  await stopJobRunner();
});

describe("the job runner when a provider or the email API hangs", () => {
  it("a bot that hangs holds only its own replies; its timed-out ones may not have been delivered and are never sent twice", async () => {
    const [a, b] = [await seedTestCompany(), await seedTestCompany()];
    const chatsA = await Promise.all([1, 2, 3, 4, 5].map(() => customerWrites(a)));
    const chatsB = await Promise.all([1, 2, 3, 4, 5].map(() => customerWrites(b)));
    // Bot A's sendMessage takes the request (the message reaches the chat) and never answers.
    telegramFake.slow({ botId: botOf(a), method: "sendMessage" });
    startJobRunner();

    const run = tag();
    const repliesA: Written[] = [];
    for (const [i, c] of chatsA.entries()) repliesA.push(await write(a, c.conversationId, `A${i} ${run}`));
    const repliesB: Written[] = [];
    for (const [i, c] of chatsB.entries()) repliesB.push(await write(b, c.conversationId, `B${i} ${run}`));

    // B's replies, queued after A's, reach Telegram and are recorded sent…
    await vi.waitFor(async () => expect((await statusOf(repliesB.map((r) => r.id))).map((m) => m.deliveryStatus)).toEqual(["sent", "sent", "sent", "sent", "sent"]), { timeout: 20_000, interval: 100 });
    // …while A's calls were still waiting for their answer (none had reached its deadline yet).
    expect(telegramFake.held.filter((c) => c.token === a.telegram.botToken).length).toBeGreaterThan(0);

    // A's replies left and got no answer: each may have been delivered, and waits for the operator.
    await vi.waitFor(
      async () => expect((await statusOf(repliesA.map((r) => r.id))).every((m) => m.deliveryStatus === "failed" && m.failureReason === "maybe_delivered")).toBe(true),
      { timeout: 30_000, interval: 200 },
    );
    const sends = await db.select().from(outboundSends).where(inArray(outboundSends.messageId, repliesA.map((r) => r.id)));
    expect(sends.map((s) => [s.status, s.lastError?.requestSent])).toEqual(Array(5).fill(["failed", true]));

    // Nothing is sent again by itself: a few more passes of the runner later, every reply reached Telegram once.
    kickJobs();
    await sleep(2500);
    for (const r of [...repliesA, ...repliesB]) expect(arrivals(r.text), r.text).toHaveLength(1);
  });

  it("a chat whose sends crawl holds only its own conversation, whose next replies wait their turn in order", async () => {
    const co = await seedTestCompany();
    const [x, y] = [await customerWrites(co), await customerWrites(co)];
    telegramFake.slow({ botId: botOf(co), method: "sendMessage", chatId: x.chatId });
    startJobRunner();

    const run = tag();
    const xs: Written[] = [];
    for (const n of [1, 2, 3]) xs.push(await write(co, x.conversationId, `x${n} ${run}`));
    const y1 = await reply(co, y.conversationId, `y1 ${run}`);

    // Y's reply goes while X's first is still waiting for Telegram's answer, and X's next ones do not overtake it.
    await vi.waitFor(async () => expect((await statusOf([y1.id]))[0]!.deliveryStatus).toBe("sent"), { timeout: 10_000, interval: 50 });
    expect(telegramFake.held.map((c) => c.params.text)).toEqual([`x1 ${run}`]);
    expect(arrivals(`x2 ${run}`)).toHaveLength(0);
    expect(arrivals(`x3 ${run}`)).toHaveLength(0);

    telegramFake.release();
    await vi.waitFor(async () => expect((await statusOf(xs.map((r) => r.id))).map((m) => m.deliveryStatus)).toEqual(["sent", "sent", "sent"]), { timeout: 15_000, interval: 100 });
    const order = telegramFake.calls.filter((c) => c.method === "sendMessage" && String(c.params.chat_id) === x.chatId).map((c) => c.params.text);
    expect(order).toEqual(xs.map((r) => r.text));
  });

  it("an email API that hangs delays no reply; the email is retried under its key, the failure shown on the Mailbox", async () => {
    // A loopback Resend that takes each request and answers only when told to; `waiting`: requests whose caller
    // still waits for the answer.
    const requests: { headers: IncomingHttpHeaders; to: string }[] = [];
    const waiting = new Set<ServerResponse>();
    let answering = false;
    const resend = createServer((req, res) => {
      let raw = "";
      req.on("data", (c: Buffer) => (raw += c.toString()));
      req.on("end", () => {
        const body = JSON.parse(raw || "{}") as { to?: string[] };
        requests.push({ headers: req.headers, to: body.to?.[0] ?? "" });
        if (answering) res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id: `re_${requests.length}` }));
        else {
          waiting.add(res);
          res.on("close", () => waiting.delete(res));
        }
      });
    });
    await new Promise<void>((resolve) => resend.listen(0, "127.0.0.1", resolve));
    try {
      const co = await seedTestCompany();
      const chat = await customerWrites(co);
      // Emails other tests left queued are captured first, so the one below is the only one due.
      await deliverDueEmails({ transport: null, limit: 1000 });
      const to = `alerts-${tag()}@example.test`;
      const email = await queueEmail({
        db,
        companyId: co.companyId,
        kind: "invitation",
        dedupeKey: `test:${crypto.randomUUID()}`,
        to,
        locale: "en",
        template: { name: "invitation", props: { recipientName: "N", inviterName: "A", companyName: "C", role: "operator", link: "http://localhost:3000/x", expiresAt: new Date(Date.now() + 86_400_000) } },
      });
      const baseUrl = `http://127.0.0.1:${(resend.address() as AddressInfo).port}`;
      const emailTimeoutMs = 2 * SEND_TIMEOUT_MS;
      startJobRunner({ emailTransport: resendTransport({ apiKey: "re_test_key", baseUrl, timeoutMs: emailTimeoutMs }) });
      kickJobs();
      await vi.waitFor(() => expect(requests.map((r) => r.to)).toEqual([to]), { timeout: 10_000, interval: 50 });

      // A reply written while Resend hangs reaches Telegram while the email's request still waits.
      const text = `while Resend hangs ${tag()}`;
      const sent = await reply(co, chat.conversationId, text);
      await vi.waitFor(async () => expect((await statusOf([sent.id]))[0]!.deliveryStatus).toBe("sent"), { timeout: emailTimeoutMs, interval: 50 });
      expect(arrivals(text)).toHaveLength(1);
      expect(waiting.size).toBe(1);

      // The attempt ends at its deadline: queued again with the reason, as the Mailbox shows it.
      await vi.waitFor(async () => expect((await db.select().from(emailDeliveries).where(eq(emailDeliveries.id, email.id)))[0]!.error).toMatch(/did not answer/), { timeout: 3 * emailTimeoutMs, interval: 100 });
      const admin = callerFor({ id: co.admin.id, companyId: co.companyId, role: "admin" });
      const shown = (await admin.mailbox.list()).emails.find((e) => e.id === email.id)!;
      expect(shown).toMatchObject({ status: "queued", attempts: 1, error: `Resend did not answer within ${emailTimeoutMs / 1000} s` });

      // Resend answers again: the retry carries the same Idempotency-Key, so the recipient gets one email.
      answering = true;
      await db.update(emailDeliveries).set({ nextAttemptAt: new Date(Date.now() - 1000) }).where(eq(emailDeliveries.id, email.id));
      kickJobs();
      await vi.waitFor(async () => expect((await db.select().from(emailDeliveries).where(eq(emailDeliveries.id, email.id)))[0]!.status).toBe("sent"), { timeout: 10_000, interval: 100 });
      const keys = requests.map((r) => r.headers["idempotency-key"]);
      expect(keys).toHaveLength(2);
      expect(new Set(keys).size).toBe(1);
    } finally {
      for (const res of waiting) res.destroy();
      resend.closeAllConnections();
      await new Promise((resolve) => resend.close(resolve));
    }
  });
});
