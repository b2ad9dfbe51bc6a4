import { randomInt } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "../../db";
import { inboundEvents, messages } from "../../db/schema";
import { routeChannelId } from "./read-body";
import { postMeta, postTelegram, postVk, webhookCompany } from "../testing/webhooks";

const eventsOf = (channelId: string) => db.select().from(inboundEvents).where(eq(inboundEvents.channelId, channelId));
const messagesOf = (channelId: string) => db.select().from(messages).where(eq(messages.channelId, channelId));
const deep = (depth: number, inner = '"x"') => `${"[".repeat(depth)}${inner}${"]".repeat(depth)}`;

function tgText(updateId: number, textJson: string, chatId = randomInt(1, 2 ** 40)) {
  return `{"update_id":${updateId},"message":{"message_id":${randomInt(1, 1e6)},"date":${Math.floor(Date.now() / 1000)},"chat":{"id":${chatId},"type":"private","first_name":"A"},"text":${textJson}}}`;
}

describe("signed bodies jsonb cannot hold", () => {
  for (const [label, text] of [
    ["a \\u0000 in a string", '"hello\\u0000world"'],
    ["a lone surrogate in a string", '"hello \\ud800 world"'],
    ["nesting 5,000 deep", deep(5000)],
  ] as const) {
    it(`Telegram: ${label} is acknowledged, kept as the exact raw bytes and marked failed with a reason`, async () => {
      const hc = await webhookCompany();
      const body = tgText(randomInt(1, 2 ** 40), text);
      const res = await postTelegram(hc.telegram.channelId, hc.telegram.secret, body);
      expect(res.response.status).toBe(200);
      expect(res.after).toBeUndefined();
      const [event] = await eventsOf(hc.telegram.channelId);
      expect(event).toMatchObject({ status: "failed", payload: null, eventType: "message" });
      expect(Buffer.from(event!.rawBody!).toString("utf8")).toBe(body);
      expect(event!.note).toMatch(/unsupported content/);
      // A redelivery is still a duplicate.
      expect(await (await postTelegram(hc.telegram.channelId, hc.telegram.secret, body)).response.json()).toMatchObject({ duplicate: true });
      expect(await eventsOf(hc.telegram.channelId)).toHaveLength(1);
    });
  }

  it("VK: a \\u0000 in a notification is acknowledged with ok and kept raw, without the shared secret", async () => {
    const hc = await webhookCompany();
    const body = `{"type":"message_new","group_id":${hc.vk.groupId},"event_id":"e${randomInt(1, 1e9)}","secret":"${hc.vk.secret}","object":{"message":{"id":1,"date":1,"peer_id":5,"from_id":5,"text":"a\\u0000b"}}}`;
    const res = await postVk(hc.vk.channelId, body);
    expect(res.response.status).toBe(200);
    expect(await res.response.text()).toBe("ok");
    const [event] = await eventsOf(hc.vk.channelId);
    expect(event).toMatchObject({ status: "failed", payload: null });
    const raw = Buffer.from(event!.rawBody!).toString("utf8");
    expect(raw).not.toContain(hc.vk.secret);
    expect(raw).toContain("a\\u0000b");
  });

  it("Meta: one bad item never fails the others in its batch; the good ones become messages", async () => {
    const hc = await webhookCompany();
    const t = Date.now();
    const item = (mid: string, textJson: string) => `{"sender":{"id":"${randomInt(1, 2 ** 40)}"},"recipient":{"id":"${hc.meta.pageId}"},"timestamp":${t},"message":{"mid":"${mid}","text":${textJson}}}`;
    const tag = randomInt(1, 1e9);
    const body = `{"object":"page","entry":[{"id":"${hc.meta.pageId}","time":${t},"messaging":[${item(`m.${tag}.1`, '"first"')},${item(`m.${tag}.2`, '"bad\\u0000"')},${item(`m.${tag}.3`, deep(5000, '"x"'))},${item(`m.${tag}.4`, '"fourth"')}]}]}`;
    const res = await postMeta(body, true);
    expect(res.response.status).toBe(200);
    await res.after?.();
    const events = await eventsOf(hc.meta.pageChannelId);
    expect(events).toHaveLength(4);
    expect(events.filter((e) => e.status === "failed")).toHaveLength(2);
    expect(events.filter((e) => e.status === "failed").every((e) => e.payload === null && Buffer.from(e.rawBody!).toString("utf8") === body)).toBe(true);
    expect((await messagesOf(hc.meta.pageChannelId)).map((m) => m.text).sort()).toEqual(["first", "fourth"]);
  });

  it("Meta: a body nested 5,000 deep outside any item gets a clear 400, not a crash", async () => {
    const res = await postMeta(deep(5000, "{}"), true);
    expect(res.response.status).toBe(400);
    expect((await res.response.json()).error).toMatch(/object.*entry/);
    const inEntry = await postMeta(`{"object":"page","entry":[${deep(5000, "{}")}]}`, true);
    expect(inEntry.response.status).toBe(200);
    const [kept] = await db.select().from(inboundEvents).where(and(eq(inboundEvents.eventType, "unroutable"), sql`${inboundEvents.rawBody} = ${Buffer.from(`{"object":"page","entry":[${deep(5000, "{}")}]}`)}`));
    expect(kept).toMatchObject({ status: "ignored", payload: null });
  });
});

describe("route parameters", () => {
  it("any bytes in a channel id name no channel: 404 from the route, never an exception", async () => {
    for (const id of ["%ZZ", "%", "%C0%AF", "\u0000", "..", "not-a-uuid", "0".repeat(5000)]) {
      expect(await routeChannelId(Promise.resolve({ channelId: id }))).toBeUndefined();
      expect((await postTelegram(id, "x", "{}")).response.status).toBe(404);
      expect((await postVk(id, "{}")).response.status).toBe(404);
    }
    // Next.js failing to decode the segment rejects the params promise.
    expect(await routeChannelId(Promise.reject(new URIError("URI malformed")))).toBeUndefined();
    expect(await routeChannelId(Promise.resolve({ channelId: "9b2f7f0e-4a57-4c7f-8d0e-2f0c7a6f1e11" }))).toBe("9b2f7f0e-4a57-4c7f-8d0e-2f0c7a6f1e11");
  });
});

describe("Telegram update_id restarting after a week of silence", () => {
  it("a key older than the redelivery window does not block a new update; a recent one is a duplicate", async () => {
    const hc = await webhookCompany();
    const updateId = randomInt(1, 2 ** 40);
    const first = tgText(updateId, '"before the silence"');
    await (await postTelegram(hc.telegram.channelId, hc.telegram.secret, first)).after?.();
    // Redelivered a day later: still the same update.
    await db.update(inboundEvents).set({ receivedAt: sql`now() - interval '1 day'` }).where(eq(inboundEvents.channelId, hc.telegram.channelId));
    expect(await (await postTelegram(hc.telegram.channelId, hc.telegram.secret, first)).response.json()).toMatchObject({ duplicate: true });

    await db.update(inboundEvents).set({ receivedAt: sql`now() - interval '8 days'` }).where(eq(inboundEvents.channelId, hc.telegram.channelId));
    const next = await postTelegram(hc.telegram.channelId, hc.telegram.secret, tgText(updateId, '"after the silence"'));
    expect(await next.response.json()).toMatchObject({ ok: true, duplicate: false });
    await next.after?.();
    expect((await messagesOf(hc.telegram.channelId)).map((m) => m.text).filter((t) => t.endsWith("the silence")).sort()).toEqual(["after the silence", "before the silence"]);
    const events = await eventsOf(hc.telegram.channelId);
    expect(events).toHaveLength(2);
    const [bot] = events.map((e) => e.dedupeKey).filter((k) => !k.includes("~"));
    expect(bot).toMatch(new RegExp(`:${updateId}$`));
    expect(events.some((e) => e.dedupeKey.startsWith(`${bot}~`))).toBe(true);
  });
});
