import { readFileSync } from "node:fs";
import { and, eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { db } from "../../../db";
import { channelIncidents, channels, messages, outboundSends } from "../../../db/schema";
import { callerFor, postTelegramUpdate, seedTestCompany } from "../../testing/factories";
import { telegramFake } from "../../testing/setup";
import { deliverDueSends } from "./deliver-due-sends";

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../../e2e/fixtures/telegram/${name}`, import.meta.url), "utf8")) as Record<string, unknown>;

/** A company whose Telegram contact wrote in, and an operator's reply queued to them. */
async function queuedReply(text: string) {
  const co = await seedTestCompany();
  await postTelegramUpdate(co.telegram.channelId, co.telegram.webhookSecret, { ...fixture("update_message_text.json"), update_id: Math.floor(Math.random() * 1e9) });
  const operator = callerFor({ id: co.operators[0]!.id, companyId: co.companyId, role: "operator" });
  const [conversation] = (await operator.inbox.list({ filter: "open" })).filter((c) => c.provider === "telegram");
  const reply = await operator.inbox.reply({ conversationId: conversation!.id, text });
  return { co, operator, conversationId: conversation!.id, messageId: reply.id };
}

/** Answers scripted for this company's bot only: sends other files left queued in the shared database do not take them. */
const botOf = (co: { telegram: { botToken: string } }) => co.telegram.botToken.split(":")[0]!;
const sendsTo = (text: string) => telegramFake.calls.filter((c) => c.method === "sendMessage" && c.params.text === text);
const messageRow = async (id: string) => (await db.select().from(messages).where(eq(messages.id, id)))[0]!;
const sendRow = async (messageId: string) => (await db.select().from(outboundSends).where(eq(outboundSends.messageId, messageId)))[0]!;

describe("sending replies to Telegram", () => {
  it("delivers an operator's reply through sendMessage and records it as sent", async () => {
    const { co, messageId } = await queuedReply("Your order ships today.");
    expect((await messageRow(messageId)).deliveryStatus).toBe("pending");
    await deliverDueSends();
    const calls = sendsTo("Your order ships today.");
    expect(calls).toHaveLength(1);
    expect(calls[0]!.params.chat_id).toBe("123456789");
    expect(calls[0]!.token).toBe(co.telegram.botToken);
    const row = await messageRow(messageId);
    expect(row.deliveryStatus).toBe("sent");
    expect(row.providerMessageId).toMatch(/^123456789:\d+$/);
  });

  it("response_sendMessage_ok.json: the reply is sent, keyed by the answer's <chat.id>:<message_id>", async () => {
    const { co, messageId } = await queuedReply("Your order #4512 ships tomorrow.");
    telegramFake.enqueue("sendMessage", 200, fixture("response_sendMessage_ok.json"), botOf(co));
    await deliverDueSends();
    expect(sendsTo("Your order #4512 ships tomorrow.")).toHaveLength(1);
    // The fixture's chat is the seeded contact (123456789); its message_id 106 is not one the fake would number.
    expect(await messageRow(messageId)).toMatchObject({ deliveryStatus: "sent", providerMessageId: "123456789:106" });
    expect(await sendRow(messageId)).toMatchObject({ status: "sent", attempts: 1 });
  });

  it("retries a 429 after retry_after and lands once", async () => {
    const { co, messageId } = await queuedReply("Retry me");
    telegramFake.enqueue("sendMessage", 429, fixture("error_429_too_many_requests.json"), botOf(co));
    const before = Date.now();
    await deliverDueSends();
    const waiting = await sendRow(messageId);
    expect(waiting.status).toBe("queued");
    expect(waiting.nextAttemptAt.getTime() - before).toBeGreaterThanOrEqual(34_000);
    await deliverDueSends(); // not due yet: nothing is sent early
    expect(sendsTo("Retry me")).toHaveLength(1);

    await db.update(outboundSends).set({ nextAttemptAt: new Date(Date.now() - 1000) }).where(eq(outboundSends.id, waiting.id));
    // The chat's 1 message/second pace may hold it for a moment more; it still lands exactly once.
    await vi.waitFor(async () => {
      await deliverDueSends();
      expect((await messageRow(messageId)).deliveryStatus).toBe("sent");
    }, { timeout: 5000, interval: 200 });
    expect(sendsTo("Retry me")).toHaveLength(2);
    expect((await sendRow(messageId)).attempts).toBe(2);
  });

  it("marks the channel's connection lost on 401 and keeps the reply waiting", async () => {
    const { co, messageId } = await queuedReply("After the token died");
    telegramFake.enqueue("sendMessage", 401, fixture("error_401_unauthorized.json"), botOf(co));
    await deliverDueSends();
    const [channel] = await db.select().from(channels).where(eq(channels.id, co.telegram.channelId));
    expect(channel).toMatchObject({ status: "disconnected", statusReason: "token_revoked" });
    expect(channel!.providerError).toMatchObject({ code: 401, description: "Unauthorized" });
    const incidents = await db.select().from(channelIncidents).where(eq(channelIncidents.channelId, co.telegram.channelId));
    expect(incidents).toHaveLength(1);
    const row = await messageRow(messageId);
    expect(row.deliveryStatus).toBe("pending");
    expect(row.failureReason).toBe("connection_lost");
    // While disconnected the send is not attempted again.
    await deliverDueSends();
    expect(sendsTo("After the token died")).toHaveLength(1);
  });

  it("fails only that message when the user blocked the bot, leaving the channel active", async () => {
    const { co, messageId } = await queuedReply("Are you there?");
    telegramFake.enqueue("sendMessage", 403, fixture("error_403_blocked_by_user.json"), botOf(co));
    await deliverDueSends();
    const row = await messageRow(messageId);
    expect(row).toMatchObject({ deliveryStatus: "failed", failureClass: "message_rejected", failureReason: "blocked_by_user" });
    const [channel] = await db.select().from(channels).where(and(eq(channels.id, co.telegram.channelId)));
    expect(channel!.status).toBe("active");
    // The contact is marked as blocking the bot: the composer says so before the next reply.
    const thread = await callerFor({ id: co.operators[0]!.id, companyId: co.companyId, role: "operator" }).inbox.thread({ conversationId: row.conversationId });
    expect(thread.contact.blockedUsAt).toBeInstanceOf(Date);
    expect(thread.composer).toEqual({ state: "blocked" });
    // Their next message says they no longer block it.
    const update = fixture("update_message_text.json") as { message: Record<string, unknown> };
    await postTelegramUpdate(co.telegram.channelId, co.telegram.webhookSecret, { update_id: Math.floor(Math.random() * 1e9), message: { ...update.message, message_id: 777, date: Math.floor(Date.now() / 1000) } });
    const after = await callerFor({ id: co.operators[0]!.id, companyId: co.companyId, role: "operator" }).inbox.thread({ conversationId: row.conversationId });
    expect(after.contact.blockedUsAt).toBeNull();
  });

  it("paces two replies to one private chat at least a second apart, without counting a failed attempt", async () => {
    const { operator, conversationId, messageId } = await queuedReply("first of two");
    const second = await operator.inbox.reply({ conversationId, text: "second of two" });
    await deliverDueSends();
    expect((await messageRow(messageId)).deliveryStatus).toBe("sent");
    const held = await sendRow(second.id);
    expect(held).toMatchObject({ status: "queued", attempts: 0 });
    await vi.waitFor(async () => {
      await deliverDueSends();
      expect((await messageRow(second.id)).deliveryStatus).toBe("sent");
    }, { timeout: 5000, interval: 200 });
    const [a] = sendsTo("first of two");
    const [b] = sendsTo("second of two");
    // Paced from when the first send left; the first request's own latency can eat a few milliseconds of the gap.
    expect(b!.at - a!.at).toBeGreaterThanOrEqual(900);
  });

  it("refuses admin procedures to operators", async () => {
    const co = await seedTestCompany();
    const operator = callerFor({ id: co.operators[0]!.id, companyId: co.companyId, role: "operator" });
    await expect(operator.channels.list({ includeStopped: false })).rejects.toMatchObject({ code: "FORBIDDEN" });
    const admin = callerFor({ id: co.admin.id, companyId: co.companyId, role: "admin" });
    const list = await admin.channels.list({ includeStopped: true });
    expect(list.map((c) => c.provider).sort()).toEqual(["instagram", "messenger", "telegram", "telegram", "vk"]);
    expect(JSON.stringify(list)).not.toContain(co.telegram.botToken);
  });
});
