import { readFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "../../db";
import { channels, inboundEvents, messages } from "../../db/schema";
import { callerFor, postTelegramUpdate, seedTestCompany } from "../testing/factories";

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../e2e/fixtures/telegram/${name}`, import.meta.url), "utf8")) as Record<string, unknown>;
const withUpdateId = (body: Record<string, unknown>) => ({ ...body, update_id: Math.floor(Math.random() * 1e9) });

async function eventsOf(channelId: string) {
  return db.select().from(inboundEvents).where(eq(inboundEvents.channelId, channelId));
}

describe("Telegram webhook", () => {
  it("stores update_message_text.json once when Telegram redelivers it, and makes one message", async () => {
    const co = await seedTestCompany();
    const update = withUpdateId(fixture("update_message_text.json"));
    const first = await postTelegramUpdate(co.telegram.channelId, co.telegram.webhookSecret, update);
    const second = await postTelegramUpdate(co.telegram.channelId, co.telegram.webhookSecret, update);
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(await second.json()).toMatchObject({ duplicate: true });

    const stored = await db.select().from(messages).where(and(eq(messages.channelId, co.telegram.channelId), eq(messages.text, "Hello! Where is my order #4512?")));
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ direction: "inbound", authorKind: "customer", providerMessageId: "123456789:101" });
    expect(await eventsOf(co.telegram.channelId)).toHaveLength(1);

    const operator = callerFor({ id: co.operators[0]!.id, companyId: co.companyId, role: "operator" });
    const inbox = await operator.inbox.list({ filter: "open" });
    const conversation = inbox.find((c) => c.preview === "Hello! Where is my order #4512?");
    expect(conversation).toBeDefined();
    // The seeded Ivan Petrov thread is resumed, not duplicated (F9).
    expect(inbox.filter((c) => c.contactName === "Ivan Petrov")).toHaveLength(1);
  });

  it("never lets another company's operator read the conversation", async () => {
    const co = await seedTestCompany();
    const other = await seedTestCompany("Other Co");
    await postTelegramUpdate(co.telegram.channelId, co.telegram.webhookSecret, withUpdateId(fixture("update_message_text.json")));
    const mine = await callerFor({ id: co.operators[0]!.id, companyId: co.companyId, role: "operator" }).inbox.list({ filter: "open" });
    const id = mine.find((c) => c.provider === "telegram")!.id;

    const stranger = callerFor({ id: other.operators[0]!.id, companyId: other.companyId, role: "operator" });
    await expect(stranger.inbox.thread({ conversationId: id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(stranger.inbox.reply({ conversationId: id, text: "hi" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await stranger.inbox.list({ filter: "open" })).map((c) => c.id)).not.toContain(id);
  });

  it("answers a wrong or missing secret with 401 and stores nothing", async () => {
    const co = await seedTestCompany();
    const update = withUpdateId(fixture("update_message_text.json"));
    expect((await postTelegramUpdate(co.telegram.channelId, "wrong-secret", update)).status).toBe(401);
    expect((await postTelegramUpdate(co.telegram.channelId, null, update)).status).toBe(401);
    expect(await eventsOf(co.telegram.channelId)).toHaveLength(0);
  });

  it("answers malformed JSON with 400 and a reason, and an Update without update_id with 400", async () => {
    const co = await seedTestCompany();
    const bad = await postTelegramUpdate(co.telegram.channelId, co.telegram.webhookSecret, "{not json");
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatch(/malformed JSON/);
    const noId = await postTelegramUpdate(co.telegram.channelId, co.telegram.webhookSecret, { message: {} });
    expect(noId.status).toBe(400);
    expect((await noId.json()).error).toMatch(/update_id/);
    expect(await eventsOf(co.telegram.channelId)).toHaveLength(0);
  });

  it("answers a body over 1 MiB with 413", async () => {
    const co = await seedTestCompany();
    const huge = JSON.stringify({ update_id: 1, message: { text: "x".repeat(1024 * 1024 + 10) } });
    expect((await postTelegramUpdate(co.telegram.channelId, co.telegram.webhookSecret, huge)).status).toBe(413);
    expect(await eventsOf(co.telegram.channelId)).toHaveLength(0);
  });

  it("answers an unknown channel with 404", async () => {
    const update = withUpdateId(fixture("update_message_text.json"));
    expect((await postTelegramUpdate(randomUUID(), "x", update)).status).toBe(404);
    expect((await postTelegramUpdate("not-a-uuid", "x", update)).status).toBe(404);
  });

  it("stores and acknowledges an update type the product does not handle", async () => {
    const co = await seedTestCompany();
    const res = await postTelegramUpdate(co.telegram.channelId, co.telegram.webhookSecret, { update_id: 77, poll: { id: "1", question: "?" } });
    expect(res.status).toBe(200);
    const [event] = await eventsOf(co.telegram.channelId);
    expect(event).toMatchObject({ eventType: "poll", status: "ignored" });
    const [channel] = await db.select().from(channels).where(eq(channels.id, co.telegram.channelId));
    expect(channel!.lastWebhookAt).not.toBeNull();
  });
});

describe("Telegram webhook: shapes read leniently (issue 22)", () => {
  it("a Telegram.Bot update (explicit nulls, a chat without type, the date as ISO text) reaches the inbox as a message", async () => {
    const co = await seedTestCompany();
    const update = {
      update_id: Math.floor(Math.random() * 1e9),
      message: {
        message_id: 4001,
        from: { id: 555000111, is_bot: false, first_name: "Dmitri", last_name: null, username: null, language_code: null },
        date: "2026-01-01T00:00:00+0000",
        chat: { id: 555000111, first_name: "Dmitri", last_name: null, username: null },
        text: "/start",
        caption: null,
        photo: null,
        document: null,
        reply_markup: null,
      },
      edited_message: null,
      callback_query: null,
    };
    const res = await postTelegramUpdate(co.telegram.channelId, co.telegram.webhookSecret, update);
    expect(res.status).toBe(200);
    const [event] = await eventsOf(co.telegram.channelId);
    expect(event).toMatchObject({ eventType: "message", status: "processed", orderKey: `${co.telegram.channelId}:555000111` });
    const stored = await db.select().from(messages).where(and(eq(messages.channelId, co.telegram.channelId), eq(messages.text, "/start")));
    expect(stored).toMatchObject([{ direction: "inbound", authorKind: "customer", providerMessageId: "555000111:4001", providerTimestamp: new Date("2026-01-01T00:00:00Z") }]);
    const inbox = await callerFor({ id: co.operators[0]!.id, companyId: co.companyId, role: "operator" }).inbox.list({ filter: "open" });
    expect(inbox.find((c) => c.preview === "/start")).toMatchObject({ provider: "telegram", contactName: "Dmitri" });
  });

  it("an update_id beyond 2^53: 200, and the signed update is kept, failed with the reason", async () => {
    const co = await seedTestCompany();
    const body = `{"update_id":123456789012345678901234567890,"message":{"message_id":4002,"date":1767225600,"chat":{"id":555000112,"type":"private","first_name":"Olga"},"text":"hello"}}`;
    const res = await postTelegramUpdate(co.telegram.channelId, co.telegram.webhookSecret, body);
    expect(res.status).toBe(200);
    // Redelivered, it is the same bytes: one row.
    expect((await postTelegramUpdate(co.telegram.channelId, co.telegram.webhookSecret, body)).status).toBe(200);
    const rows = await eventsOf(co.telegram.channelId);
    expect(rows).toMatchObject([{ eventType: "message", status: "failed", failureReason: "unsupported_shape", note: expect.stringContaining("update_id"), sequence: null }]);
    expect(rows[0]!.payload).toMatchObject({ message: { text: "hello" } });
  });
});

