import { randomInt } from "node:crypto";
import { readFileSync } from "node:fs";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "../../../db";
import { messages, outboundSends } from "../../../db/schema";
import { callerFor, postTelegramUpdate, seedTestCompany } from "../../testing/factories";
import { telegramFake, vkFake } from "../../testing/setup";
import { postVk, webhookCompany } from "../../testing/webhooks";
import { deliverDueSends } from "./deliver-due-sends";

const fixture = JSON.parse(readFileSync(new URL("../../../e2e/fixtures/telegram/update_message_text.json", import.meta.url), "utf8")) as Record<string, unknown>;
const messageRow = async (id: string) => (await db.select().from(messages).where(eq(messages.id, id)))[0]!;
const sendRow = async (messageId: string) => (await db.select().from(outboundSends).where(eq(outboundSends.messageId, messageId)))[0]!;
/** The worker died after the provider call, before recording its answer: the lease ran out. */
const interrupt = (messageId: string) =>
  db.update(outboundSends).set({ status: "sending", lockedUntil: sql`now() - interval '1 second'` }).where(eq(outboundSends.messageId, messageId));

describe("an interrupted send", () => {
  it("Telegram: is not sent again by itself; it says it may not have been delivered, and Send again sends it once", async () => {
    const co = await seedTestCompany();
    await postTelegramUpdate(co.telegram.channelId, co.telegram.webhookSecret, { ...fixture, update_id: randomInt(1, 2 ** 40) });
    const operator = callerFor({ id: co.operators[0]!.id, companyId: co.companyId, role: "operator" });
    const [conversation] = (await operator.inbox.list({ filter: "open" })).filter((c) => c.provider === "telegram");
    const text = `interrupted ${randomInt(1, 2 ** 40)}`;
    const reply = await operator.inbox.reply({ conversationId: conversation!.id, text });
    await interrupt(reply.id);

    await deliverDueSends();
    const sent = () => telegramFake.calls.filter((c) => c.method === "sendMessage" && c.params.text === text);
    expect(sent()).toHaveLength(0);
    expect(await messageRow(reply.id)).toMatchObject({ deliveryStatus: "failed", failureReason: "maybe_delivered" });
    expect(await sendRow(reply.id)).toMatchObject({ status: "failed" });
    await deliverDueSends();
    expect(sent()).toHaveLength(0);

    // Only an interrupted reply can be sent again, and only in the operator's own company.
    const stranger = await seedTestCompany();
    await expect(callerFor({ id: stranger.operators[0]!.id, companyId: stranger.companyId, role: "operator" }).inbox.sendAgain({ messageId: reply.id })).rejects.toThrow();
    expect(await operator.inbox.sendAgain({ messageId: reply.id })).toEqual({ id: reply.id, deliveryStatus: "pending" });
    await deliverDueSends();
    expect(sent()).toHaveLength(1);
    expect(await messageRow(reply.id)).toMatchObject({ deliveryStatus: "sent", failureReason: null });
    await expect(operator.inbox.sendAgain({ messageId: reply.id })).rejects.toThrow();
  });

  it("VK: is retried with the same random_id, so VK delivers it once", async () => {
    const hc = await webhookCompany();
    const peer = randomInt(1, 1_000_000_000);
    await (
      await postVk(hc.vk.channelId, JSON.stringify({ type: "message_new", group_id: hc.vk.groupId, event_id: `n${peer}`, secret: hc.vk.secret, object: { message: { id: 0, date: 1_767_225_600, peer_id: peer, from_id: peer, conversation_message_id: 1, text: "hi" } } }))
    ).after?.();
    const operator = callerFor({ id: hc.co.operators[0]!.id, companyId: hc.co.companyId, role: "operator" });
    const [conversation] = (await operator.inbox.list({ filter: "open" })).filter((c) => c.provider === "vk");
    const text = `vk once ${peer}`;
    const reply = await operator.inbox.reply({ conversationId: conversation!.id, text });
    await deliverDueSends();
    // The answer is lost as if the worker died right after the call.
    await db.update(messages).set({ deliveryStatus: "pending", providerMessageId: null }).where(eq(messages.id, reply.id));
    await interrupt(reply.id);
    await deliverDueSends();

    const calls = vkFake.calls.filter((c) => c.method === "messages.send" && c.params.message === text);
    expect(calls).toHaveLength(2);
    expect(calls[1]!.params.random_id).toBe(calls[0]!.params.random_id);
    expect(await messageRow(reply.id)).toMatchObject({ deliveryStatus: "sent" });
  });
});
