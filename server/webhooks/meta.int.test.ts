import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { and, count, eq, inArray, isNull, or } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "../../db";
import { channelIncidents, channels, contacts, conversations, inboundEvents, messages, outboundSends } from "../../db/schema";
import { signMetaBody } from "../channels/meta/signature";
import { seal } from "../crypto/secret-box";
import { env } from "../env.js";
import { storeFile, uploadAttachment } from "../services/files/store-file";
import { deliverDueSends } from "../services/sends/deliver-due-sends";
import { callerFor, seedTestCompany } from "../testing/factories";
import { metaGraphFake } from "../testing/setup";
import { handleMetaVerification, handleMetaWebhook } from "./meta";

const dir = new URL("../../e2e/fixtures/meta/", import.meta.url);
const signatureFile = JSON.parse(readFileSync(new URL("signatures.json", dir), "utf8")) as { app_secret: string; signatures: Record<string, string> };
const bytes = (name: string) => new Uint8Array(readFileSync(new URL(name, dir)));
const json = (name: string) => JSON.parse(readFileSync(new URL(name, dir), "utf8")) as Record<string, unknown>;

const PAGE_1 = "100000000000001";
const PAGE_2 = "100000000000002";
const IG = "17840000000000001";
const PSID = "7000000000000001";
const IGSID = "5000000000000001";

/** Posts a body like Meta does, then runs the after-acknowledgement processing. */
async function post(body: Uint8Array<ArrayBuffer> | string, signature: string | null, headers: Record<string, string> = {}) {
  const request = new Request("http://localhost/api/webhooks/meta", {
    method: "POST",
    headers: { "content-type": "application/json", ...(signature !== null ? { "x-hub-signature-256": signature } : {}), ...headers },
    body,
  });
  const outcome = await handleMetaWebhook(request);
  await outcome.after?.();
  return outcome.response;
}
const postFixture = (name: string) => post(bytes(name), signatureFile.signatures[name] ?? null);
/** A hand-made body, signed with the same fake secret the fixtures were signed with. */
const postSigned = (body: string) => post(body, signMetaBody(body, signatureFile.app_secret));

/**
 * A company owning the fixture accounts: Page 1, Page 2 and the IG account (linked to Page 1). The fixture
 * ids are unique per provider, so earlier tests' channels (and their rows) are removed first.
 */
async function metaCompany(settings: { humanAgentEnabled?: boolean } = {}) {
  await db
    .delete(channels)
    .where(or(and(eq(channels.provider, "messenger"), inArray(channels.externalId, [PAGE_1, PAGE_2])), and(eq(channels.provider, "instagram"), eq(channels.externalId, IG))));
  await db.delete(inboundEvents).where(and(isNull(inboundEvents.channelId), inArray(inboundEvents.provider, ["messenger", "instagram"])));
  const co = await seedTestCompany();
  const token = () => `EAAfake${randomBytes(12).toString("hex")}`;
  const tokens = { page1: token(), page2: token(), ig: token() };
  const lineId = co.lineIds[0]!;
  const [page1, page2, ig] = await db
    .insert(channels)
    .values([
      { companyId: co.companyId, lineId, provider: "messenger", name: "Fixture Page 1", externalId: PAGE_1, credentials: seal({ pageToken: tokens.page1 }), settings },
      { companyId: co.companyId, lineId, provider: "messenger", name: "Fixture Page 2", externalId: PAGE_2, credentials: seal({ pageToken: tokens.page2 }), settings },
      { companyId: co.companyId, lineId, provider: "instagram", name: "@fixture", externalId: IG, credentials: seal({ pageToken: tokens.ig }), settings: { ...settings, linkedPageId: PAGE_1 } },
    ])
    .returning();
  const operator = callerFor({ id: co.operators[0]!.id, companyId: co.companyId, role: "operator" });
  return { co, page1: page1!, page2: page2!, ig: ig!, tokens, operator };
}

const messagesOn = (channelId: string) => db.select().from(messages).where(eq(messages.channelId, channelId)).orderBy(messages.createdAt);
const eventsOn = (channelId: string) => db.select().from(inboundEvents).where(eq(inboundEvents.channelId, channelId)).orderBy(inboundEvents.receivedAt);
const channelRow = async (id: string) => (await db.select().from(channels).where(eq(channels.id, id)))[0]!;
const messageRow = async (id: string) => (await db.select().from(messages).where(eq(messages.id, id)))[0]!;
const sendRow = async (messageId: string) => (await db.select().from(outboundSends).where(eq(outboundSends.messageId, messageId)))[0]!;
const totalEvents = async () => (await db.select({ n: count() }).from(inboundEvents))[0]!.n;

async function conversationWith(channelId: string, externalId: string) {
  const [row] = await db
    .select({ conversation: conversations })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(and(eq(conversations.channelId, channelId), eq(contacts.externalId, externalId)));
  return row?.conversation;
}

const sendsWithText = (text: string) => metaGraphFake.calls.filter((c) => (c.body.message as { text?: string } | undefined)?.text === text);

/** The fixtures are dated 2026-01-01 and reply windows count from the customer's own timestamp: move it to now. */
async function customerWroteJustNow(conversationId: string) {
  await db.update(conversations).set({ lastInboundAt: new Date() }).where(eq(conversations.id, conversationId));
}

/** The customer wrote (fb-message-text.json) and an operator replied; returns the queued reply. */
async function customerWroteAndOperatorReplied(text: string, settings: { humanAgentEnabled?: boolean } = {}) {
  const ctx = await metaCompany(settings);
  expect((await postFixture("fb-message-text.json")).status).toBe(200);
  const conversation = (await conversationWith(ctx.page1.id, PSID))!;
  await customerWroteJustNow(conversation.id);
  const reply = await ctx.operator.inbox.reply({ conversationId: conversation.id, text });
  return { ...ctx, conversation, messageId: reply.id };
}

describe("Meta webhook: verification (GET)", () => {
  const get = (query: string) => handleMetaVerification(new Request(`http://localhost/api/webhooks/meta?${query}`));

  it("answers the subscribe handshake with exactly hub.challenge as text/plain", async () => {
    const res = get(`hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=${encodeURIComponent(env().META_VERIFY_TOKEN!)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await res.text()).toBe("1158201444");
  });

  it("answers a wrong token, a wrong mode or a missing token with 403", async () => {
    expect(get("hub.mode=subscribe&hub.challenge=1&hub.verify_token=wrong").status).toBe(403);
    expect(get(`hub.mode=unsubscribe&hub.challenge=1&hub.verify_token=${encodeURIComponent(env().META_VERIFY_TOKEN!)}`).status).toBe(403);
    expect(get("hub.mode=subscribe&hub.challenge=1").status).toBe(403);
    expect(await get("hub.mode=subscribe&hub.challenge=1&hub.verify_token=wrong").text()).not.toContain("1");
  });
});

describe("Meta webhook: refusing what is not Meta's", () => {
  it("answers a forged or missing X-Hub-Signature-256 with 401 and stores nothing (fb-message-text.json)", async () => {
    const { page1 } = await metaCompany();
    const before = await totalEvents();
    const tampered = bytes("fb-message-text.json");
    tampered[Buffer.from(tampered).indexOf("TEST-123")] = "X".charCodeAt(0);
    expect((await post(tampered, signatureFile.signatures["fb-message-text.json"]!)).status).toBe(401);
    expect((await post(bytes("fb-message-text.json"), signatureFile.signatures["fb-postback.json"]!)).status).toBe(401);
    expect((await post(bytes("fb-message-text.json"), signMetaBody(bytes("fb-message-text.json"), "not_the_app_secret"))).status).toBe(401);
    expect((await post(bytes("fb-message-text.json"), null)).status).toBe(401);
    expect(await totalEvents()).toBe(before);
    expect(await messagesOn(page1.id)).toHaveLength(0);
  });

  it("answers malformed JSON with 400 and a reason, and JSON that is not an envelope with 400", async () => {
    await metaCompany();
    const before = await totalEvents();
    const bad = await postSigned("{not json");
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatch(/malformed JSON/);
    const notEnvelope = await postSigned('{"object":"page"}');
    expect(notEnvelope.status).toBe(400);
    expect((await notEnvelope.json()).error).toMatch(/entry/);
    expect(await totalEvents()).toBe(before);
  });

  it("answers a body over WEBHOOK_MAX_BODY_BYTES with 413 and stores nothing", async () => {
    await metaCompany();
    const before = await totalEvents();
    const huge = JSON.stringify({ object: "page", entry: [{ id: PAGE_1, time: 1, messaging: [], pad: "x".repeat(env().WEBHOOK_MAX_BODY_BYTES) }] });
    expect((await postSigned(huge)).status).toBe(413);
    expect(await totalEvents()).toBe(before);
  });

  it("fails closed with 503 while META_APP_SECRET is unset (fb-message-text.json)", async () => {
    await metaCompany();
    const config = env();
    const secret = config.META_APP_SECRET;
    const before = await totalEvents();
    config.META_APP_SECRET = undefined;
    try {
      expect((await postFixture("fb-message-text.json")).status).toBe(503);
    } finally {
      config.META_APP_SECRET = secret;
    }
    expect(await totalEvents()).toBe(before);
  });
});

describe("Meta webhook: Messenger fixtures", () => {
  it("fb-message-text.json → one customer message in a new conversation on the Page's line", async () => {
    const { co, page1, operator } = await metaCompany();
    const res = await postFixture("fb-message-text.json");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, stored: 1, duplicates: 0 });

    const stored = await messagesOn(page1.id);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      direction: "inbound",
      authorKind: "customer",
      text: "Hi, is my order #TEST-123 shipped yet?",
      providerMessageId: "m_FAKE-TEXT-0001",
      providerTimestamp: new Date(1767225600100),
    });
    const [event] = await eventsOn(page1.id);
    expect(event).toMatchObject({ provider: "messenger", companyId: co.companyId, eventType: "message", status: "processed", dedupeKey: "mid:m_FAKE-TEXT-0001" });
    expect(event!.payload).toMatchObject({ object: "page", entryId: PAGE_1, field: "messaging" });
    expect((await channelRow(page1.id)).lastWebhookAt).not.toBeNull();
    const inbox = await operator.inbox.list({ filter: "open" });
    expect(inbox.find((c) => c.preview === "Hi, is my order #TEST-123 shipped yet?")).toMatchObject({ provider: "messenger", status: "new" });
  });

  it("fb-message-text-duplicate-redelivery.json after fb-message-text.json → still one message and one stored event", async () => {
    const { page1 } = await metaCompany();
    await postFixture("fb-message-text.json");
    const again = await postFixture("fb-message-text-duplicate-redelivery.json");
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ stored: 0, duplicates: 1 });
    expect(await messagesOn(page1.id)).toHaveLength(1);
    expect(await eventsOn(page1.id)).toHaveLength(1);
  });

  it("fb-message-image.json → a message with the image attachment's URL", async () => {
    const { page1 } = await metaCompany();
    await postFixture("fb-message-image.json");
    const [m] = await messagesOn(page1.id);
    expect(m).toMatchObject({ text: "", providerMessageId: "m_FAKE-IMAGE-0002", attachments: [{ kind: "image", providerRef: "https://example.invalid/fake-cdn/image-0002.jpg" }] });
  });

  it("fb-message-quick-reply-and-reply-to.json → the tapped text as a message; payload and reply_to kept in the stored event", async () => {
    const { page1 } = await metaCompany();
    await postFixture("fb-message-quick-reply-and-reply-to.json");
    const [m] = await messagesOn(page1.id);
    expect(m).toMatchObject({ text: "Track my order", providerMessageId: "m_FAKE-QR-0003" });
    const [event] = await eventsOn(page1.id);
    expect(event!.payload).toMatchObject({ item: { message: { quick_reply: { payload: "TRACK_ORDER" }, reply_to: { mid: "m_FAKE-TEXT-0001" } } } });
  });

  it("fb-postback.json → a customer message with the button title", async () => {
    const { page1 } = await metaCompany();
    await postFixture("fb-postback.json");
    const [m] = await messagesOn(page1.id);
    expect(m).toMatchObject({ direction: "inbound", authorKind: "customer", text: "Talk to a human", providerMessageId: "m_FAKE-POSTBACK-0004" });
    expect((await eventsOn(page1.id))[0]).toMatchObject({ eventType: "postback", status: "processed" });
  });

  it("fb-message-echo-our-app.json confirms our own reply without storing it twice", async () => {
    const { page1, messageId } = await customerWroteAndOperatorReplied("Yes, it shipped today.");
    metaGraphFake.enqueue(200, { recipient_id: PSID, message_id: "m_FAKE-ECHO-0005" });
    await deliverDueSends();
    expect(await messageRow(messageId)).toMatchObject({ deliveryStatus: "sent", providerMessageId: "m_FAKE-ECHO-0005" });

    expect((await postFixture("fb-message-echo-our-app.json")).status).toBe(200);
    const outbound = (await messagesOn(page1.id)).filter((m) => m.direction === "outbound" && m.authorKind !== "system");
    expect(outbound).toHaveLength(1);
    expect(outbound[0]).toMatchObject({ id: messageId, authorKind: "operator" });
    expect((await eventsOn(page1.id)).find((e) => e.eventType === "message_echo")).toMatchObject({ status: "processed", dedupeKey: "mid:m_FAKE-ECHO-0005" });
  });

  it("fb-message-echo-page-inbox.json → a staff reply typed in Page Inbox appears in the thread", async () => {
    const { page1 } = await metaCompany();
    await postFixture("fb-message-text.json");
    await postFixture("fb-message-echo-page-inbox.json");
    const outbound = (await messagesOn(page1.id)).filter((m) => m.direction === "outbound" && m.authorKind !== "system");
    expect(outbound).toHaveLength(1);
    expect(outbound[0]).toMatchObject({
      authorKind: "operator",
      authorName: null,
      authorUserId: null,
      text: "Hi, this is Anna from support (typed in Page Inbox).",
      providerMessageId: "m_FAKE-ECHO-INBOX-0006",
      deliveryStatus: "sent",
    });
  });

  it("fb-delivery.json marks the listed mid delivered and leaves other replies alone", async () => {
    const { page1, conversation, operator, messageId } = await customerWroteAndOperatorReplied("Yes, it shipped today.");
    metaGraphFake.enqueue(200, { recipient_id: PSID, message_id: "m_FAKE-ECHO-0005" });
    await deliverDueSends();
    const later = await operator.inbox.reply({ conversationId: conversation.id, text: "Anything else?" });
    await deliverDueSends();
    expect((await messageRow(later.id)).deliveryStatus).toBe("sent");

    await postFixture("fb-delivery.json");
    expect((await messageRow(messageId)).deliveryStatus).toBe("delivered");
    expect((await messageRow(later.id)).deliveryStatus).toBe("sent");
    expect((await eventsOn(page1.id)).find((e) => e.eventType === "delivery")).toMatchObject({ status: "processed" });
  });

  it("fb-read.json marks replies sent up to the watermark read, not later ones", async () => {
    const { conversation, operator, messageId } = await customerWroteAndOperatorReplied("Sent before the watermark");
    await deliverDueSends();
    // As if this reply had gone out at 2026-01-01T00:00:03Z, before the fixture's watermark (…603150).
    await db.update(messages).set({ sentAt: new Date(1767225603000) }).where(eq(messages.id, messageId));
    const later = await operator.inbox.reply({ conversationId: conversation.id, text: "Sent after the watermark" });
    await deliverDueSends();

    await postFixture("fb-read.json");
    expect((await messageRow(messageId)).deliveryStatus).toBe("read");
    expect((await messageRow(later.id)).deliveryStatus).toBe("sent");
  });

  it("fb-standby-message.json → the customer's message is kept and the thread goes to the other app (bot, New, unassigned)", async () => {
    const { page1, co } = await metaCompany();
    await postFixture("fb-message-text.json");
    const conversation = (await conversationWith(page1.id, PSID))!;
    await db.update(conversations).set({ status: "in_progress", assigneeId: co.operators[0]!.id }).where(eq(conversations.id, conversation.id));

    await postFixture("fb-standby-message.json");
    expect((await messagesOn(page1.id)).map((m) => m.text)).toContain("Hello? Anyone there?");
    expect(await conversationWith(page1.id, PSID)).toMatchObject({ id: conversation.id, handler: "bot", status: "new", assigneeId: null });
    expect((await eventsOn(page1.id)).find((e) => e.eventType === "standby.message")).toMatchObject({ status: "processed" });
  });

  it("fb-standby-echo-other-app.json → the other app's reply appears as a bot message and the thread is the bot's", async () => {
    const { page1 } = await metaCompany();
    await postFixture("fb-message-text.json");
    await postFixture("fb-standby-echo-other-app.json");
    const outbound = (await messagesOn(page1.id)).filter((m) => m.direction === "outbound" && m.authorKind !== "system");
    expect(outbound).toMatchObject([{ authorKind: "bot", text: "Automated reply from another app", providerMessageId: "m_FAKE-STANDBY-ECHO-0008" }]);
    expect((await conversationWith(page1.id, PSID))!.handler).toBe("bot");
  });

  it("fb-handover-pass-thread-control-to-us.json → Page Inbox hands the thread back: humans handle it", async () => {
    const { page1 } = await metaCompany();
    await postFixture("fb-message-text.json");
    const conversation = (await conversationWith(page1.id, PSID))!;
    await db.update(conversations).set({ handler: "bot" }).where(eq(conversations.id, conversation.id));
    await postFixture("fb-handover-pass-thread-control-to-us.json");
    expect((await conversationWith(page1.id, PSID))!.handler).toBe("humans");
    expect((await eventsOn(page1.id)).find((e) => e.eventType === "pass_thread_control")).toMatchObject({ status: "processed" });
  });

  it("fb-handover-pass-thread-control-from-idle.json → an idle thread passed to us: humans handle it", async () => {
    const { page1 } = await metaCompany();
    await postFixture("fb-message-text.json");
    const conversation = (await conversationWith(page1.id, PSID))!;
    await db.update(conversations).set({ handler: "bot" }).where(eq(conversations.id, conversation.id));
    await postFixture("fb-handover-pass-thread-control-from-idle.json");
    expect((await conversationWith(page1.id, PSID))!.handler).toBe("humans");
  });

  it("fb-handover-take-thread-control.json → the thread was taken from us: bot, New, unassigned", async () => {
    const { page1, co } = await metaCompany();
    await postFixture("fb-message-text.json");
    const conversation = (await conversationWith(page1.id, PSID))!;
    await db.update(conversations).set({ status: "in_progress", assigneeId: co.operators[0]!.id }).where(eq(conversations.id, conversation.id));
    await postFixture("fb-handover-take-thread-control.json");
    expect(await conversationWith(page1.id, PSID)).toMatchObject({ handler: "bot", status: "new", assigneeId: null });
  });

  it("fb-handover-request-thread-control.json is recorded and changes nothing while we own the thread", async () => {
    const { page1 } = await metaCompany();
    await postFixture("fb-message-text.json");
    await postFixture("fb-handover-request-thread-control.json");
    expect((await conversationWith(page1.id, PSID))!.handler).toBe("humans");
    expect((await eventsOn(page1.id)).find((e) => e.eventType === "request_thread_control")).toMatchObject({ status: "processed" });
  });

  it("fb-handover-app-roles.json is stored and marked ignored with our role in the note", async () => {
    const { page1 } = await metaCompany();
    expect((await postFixture("fb-handover-app-roles.json")).status).toBe(200);
    const [event] = await eventsOn(page1.id);
    expect(event).toMatchObject({ eventType: "app_roles", status: "ignored" });
    expect(event!.note).toContain("primary_receiver");
  });

  it("fb-reaction.json is stored once per reaction and action; the thread does not change", async () => {
    const { page1 } = await metaCompany();
    await postFixture("fb-message-text.json");
    await postFixture("fb-reaction.json");
    await postFixture("fb-reaction.json");
    const unreact = readFileSync(new URL("fb-reaction.json", dir), "utf8").replace('"action": "react"', '"action": "unreact"');
    expect(unreact).toContain("unreact");
    await postSigned(unreact);
    const reactions = (await eventsOn(page1.id)).filter((e) => e.eventType === "reaction");
    expect(reactions).toHaveLength(2);
    expect(reactions.every((e) => e.status === "processed")).toBe(true);
    expect(await messagesOn(page1.id)).toHaveLength(1);
  });

  it("fb-batched-2-entries-x-2-messaging.json → 4 stored items on two Pages: 3 messages and a read receipt", async () => {
    const { page1, page2 } = await metaCompany();
    const res = await postFixture("fb-batched-2-entries-x-2-messaging.json");
    expect(await res.json()).toMatchObject({ stored: 4, duplicates: 0 });
    expect((await messagesOn(page1.id)).map((m) => m.text).sort()).toEqual(["first message, page 1", "second message, page 1, other user"]);
    expect((await messagesOn(page2.id)).map((m) => m.text)).toEqual(["first message, page 2"]);
    expect((await eventsOn(page1.id)).map((e) => e.status)).toEqual(["processed", "processed"]);
    expect((await eventsOn(page2.id)).map((e) => [e.eventType, e.status]).sort()).toEqual([
      ["message", "processed"],
      ["read", "processed"],
    ]);
    expect(await conversationWith(page1.id, "7000000000000002")).toBeDefined();
  });

  it("an unknown Page (fb-batched-2-entries-x-2-messaging.json without Page 2 connected) still gets 200; its items are kept as ignored", async () => {
    const { page1, page2 } = await metaCompany();
    await db.delete(channels).where(eq(channels.id, page2.id));
    const res = await postFixture("fb-batched-2-entries-x-2-messaging.json");
    expect(res.status).toBe(200);
    expect(await messagesOn(page1.id)).toHaveLength(2);
    const orphans = await db.select().from(inboundEvents).where(and(isNull(inboundEvents.channelId), eq(inboundEvents.provider, "messenger")));
    expect(orphans).toHaveLength(2);
    for (const o of orphans) {
      expect(o).toMatchObject({ companyId: null, status: "ignored", note: "unknown page" });
      expect(o.payload).toMatchObject({ entryId: PAGE_2 });
    }
  });

  it("permissions-webhook-revoked.json → the Page's channel is disconnected (permission_revoked); the IG account linked to it is not", async () => {
    const { page1, page2, ig } = await metaCompany();
    expect((await postFixture("permissions-webhook-revoked.json")).status).toBe(200);
    expect(await channelRow(page1.id)).toMatchObject({ status: "disconnected", statusReason: "permission_revoked" });
    const incidents = await db.select().from(channelIncidents).where(eq(channelIncidents.channelId, page1.id));
    expect(incidents).toMatchObject([{ reasonCode: "permission_revoked", errorClass: "connection_lost" }]);
    expect((await channelRow(page2.id)).status).toBe("active");
    expect((await channelRow(ig.id)).status).toBe("active");
    expect((await eventsOn(ig.id))[0]).toMatchObject({ provider: "instagram", status: "ignored" });
    expect((await eventsOn(page1.id))[0]).toMatchObject({ eventType: "permissions.pages_messaging.revoked", status: "processed" });
  });
});

describe("Meta webhook: Instagram fixtures", () => {
  it("ig-message-text.json → a message on the Instagram channel from the IGSID", async () => {
    const { ig } = await metaCompany();
    await postFixture("ig-message-text.json");
    expect(await messagesOn(ig.id)).toMatchObject([{ direction: "inbound", text: "Do you ship to Portugal?", providerMessageId: "aWdfZAG1fFAKE-IG-TEXT-0009" }]);
    expect((await eventsOn(ig.id))[0]).toMatchObject({ provider: "instagram", status: "processed" });
    expect(await conversationWith(ig.id, IGSID)).toBeDefined();
  });

  it("ig-story-reply.json → the reply text with a reference to the story", async () => {
    const { ig } = await metaCompany();
    await postFixture("ig-story-reply.json");
    expect(await messagesOn(ig.id)).toMatchObject([
      { text: "Love this colour!", attachments: [{ kind: "other", name: "story_reply", providerRef: "https://example.invalid/fake-ig-cdn/story-0010.jpg" }] },
    ]);
  });

  it("ig-story-mention.json → a message carrying the mention", async () => {
    const { ig } = await metaCompany();
    await postFixture("ig-story-mention.json");
    expect(await messagesOn(ig.id)).toMatchObject([{ text: "", attachments: [{ kind: "other", name: "story_mention", providerRef: "https://example.invalid/fake-ig-cdn/mention-0011.mp4" }] }]);
  });

  it("ig-message-echo.json → a reply made in Instagram itself appears in the thread", async () => {
    const { ig } = await metaCompany();
    await postFixture("ig-message-text.json");
    await postFixture("ig-message-echo.json");
    const outbound = (await messagesOn(ig.id)).filter((m) => m.direction === "outbound");
    expect(outbound).toMatchObject([{ authorKind: "operator", text: "Yes, we ship to Portugal.", providerMessageId: "aWdfZAG1fFAKE-IG-ECHO-0012", deliveryStatus: "sent" }]);
  });

  it("ig-messaging-seen.json → the message named by read.mid is read", async () => {
    const { ig } = await metaCompany();
    await postFixture("ig-message-text.json");
    await postFixture("ig-message-echo.json");
    await postFixture("ig-messaging-seen.json");
    const [echo] = (await messagesOn(ig.id)).filter((m) => m.direction === "outbound");
    expect(echo).toMatchObject({ providerMessageId: "aWdfZAG1fFAKE-IG-ECHO-0012", deliveryStatus: "read" });
  });
});

describe("Meta Send API through the fake", () => {
  it("sends a reply inside 24 hours as RESPONSE to the Page's messages edge with the Page token", async () => {
    const { tokens, messageId } = await customerWroteAndOperatorReplied("Your order ships today.");
    await deliverDueSends();
    const calls = sendsWithText("Your order ships today.");
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ version: env().META_GRAPH_API_VERSION, node: PAGE_1, edge: "messages", token: tokens.page1 });
    expect(calls[0]!.body).toEqual({ recipient: { id: PSID }, messaging_type: "RESPONSE", message: { text: "Your order ships today." } });
    const row = await messageRow(messageId);
    expect(row.deliveryStatus).toBe("sent");
    expect(row.providerMessageId).toMatch(/^m_FAKE-SENT-/);
  });

  it("sends an Instagram reply through the linked Page to the IGSID (ig-message-text.json)", async () => {
    const { ig, tokens, operator } = await metaCompany();
    await postFixture("ig-message-text.json");
    const conversation = (await conversationWith(ig.id, IGSID))!;
    await customerWroteJustNow(conversation.id);
    const reply = await operator.inbox.reply({ conversationId: conversation.id, text: "Yes, to Lisbon too." });
    await deliverDueSends();
    expect(sendsWithText("Yes, to Lisbon too.")).toMatchObject([{ node: PAGE_1, token: tokens.ig, body: { recipient: { id: IGSID }, messaging_type: "RESPONSE" } }]);
    expect((await messageRow(reply.id)).deliveryStatus).toBe("sent");
  });

  it("refuses a reply outside the window without calling the API (reason outside_window)", async () => {
    const { conversation, messageId } = await customerWroteAndOperatorReplied("Three days later");
    await db.update(conversations).set({ lastInboundAt: new Date(Date.now() - 3 * 24 * 3600_000) }).where(eq(conversations.id, conversation.id));
    await deliverDueSends();
    expect(sendsWithText("Three days later")).toHaveLength(0);
    expect(await messageRow(messageId)).toMatchObject({ deliveryStatus: "failed", failureClass: "message_rejected", failureReason: "outside_window" });
    expect((await sendRow(messageId)).status).toBe("failed");
  });

  it("uses the HUMAN_AGENT tag after 24 hours when the channel has it enabled", async () => {
    const { conversation, messageId } = await customerWroteAndOperatorReplied("Three days later, by a human", { humanAgentEnabled: true });
    await db.update(conversations).set({ lastInboundAt: new Date(Date.now() - 3 * 24 * 3600_000) }).where(eq(conversations.id, conversation.id));
    await deliverDueSends();
    expect(sendsWithText("Three days later, by a human")).toMatchObject([{ body: { messaging_type: "MESSAGE_TAG", tag: "HUMAN_AGENT" } }]);
    expect((await messageRow(messageId)).deliveryStatus).toBe("sent");
  });

  it("send-error-10-2018300-thread-controlled-by-other-app.json → the message fails with thread_owned_elsewhere; the channel stays active", async () => {
    const { page1, messageId } = await customerWroteAndOperatorReplied("While the bot owns it");
    metaGraphFake.enqueue(400, json("send-error-10-2018300-thread-controlled-by-other-app.json"));
    await deliverDueSends();
    expect(await messageRow(messageId)).toMatchObject({ deliveryStatus: "failed", failureClass: "thread_owned_elsewhere", failureReason: "thread_owned_elsewhere" });
    expect((await channelRow(page1.id)).status).toBe("active");
  });

  it("send-error-190-460-password-changed.json → the channel is disconnected (password_changed) and the reply waits", async () => {
    const { page1, messageId } = await customerWroteAndOperatorReplied("After the password change");
    metaGraphFake.enqueue(400, json("send-error-190-460-password-changed.json"));
    await deliverDueSends();
    const channel = await channelRow(page1.id);
    expect(channel).toMatchObject({ status: "disconnected", statusReason: "password_changed" });
    expect(channel.providerError).toMatchObject({ code: 190, subcode: 460, httpStatus: 400 });
    expect(await messageRow(messageId)).toMatchObject({ deliveryStatus: "pending", failureReason: "connection_lost" });
    await deliverDueSends();
    expect(sendsWithText("After the password change")).toHaveLength(1);
  });

  it("send-error-613-rate-limit.json with Retry-After → retried later, then sent once", async () => {
    const { messageId } = await customerWroteAndOperatorReplied("Rate limited");
    metaGraphFake.enqueue(400, json("send-error-613-rate-limit.json"), { "Retry-After": "120" });
    const before = Date.now();
    await deliverDueSends();
    const waiting = await sendRow(messageId);
    expect(waiting.status).toBe("queued");
    expect(waiting.nextAttemptAt.getTime() - before).toBeGreaterThanOrEqual(119_000);
    expect(await messageRow(messageId)).toMatchObject({ deliveryStatus: "pending", failureClass: "retry_later", failureReason: "retrying" });
    await deliverDueSends();
    expect(sendsWithText("Rate limited")).toHaveLength(1);

    await db.update(outboundSends).set({ nextAttemptAt: new Date(Date.now() - 1000) }).where(eq(outboundSends.id, waiting.id));
    await deliverDueSends();
    expect(sendsWithText("Rate limited")).toHaveLength(2);
    expect((await messageRow(messageId)).deliveryStatus).toBe("sent");
  });
});

describe("Meta Send API: operator attachments", () => {
  const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
  type Ctx = Awaited<ReturnType<typeof metaCompany>>;
  const upload = (ctx: Ctx, name: string, mimeType: string, data: Buffer) =>
    uploadAttachment({ ctx: { db, companyId: ctx.co.companyId, actor: { kind: "user", userId: ctx.co.operators[0]!.id, role: "operator" } }, input: { name, mimeType, data } });
  /** Send API calls made with one channel's token (each metaCompany() has fresh tokens). */
  const sendsWith = (token: string) => metaGraphFake.calls.filter((c) => c.method === "POST" && c.edge === "messages" && c.token === token);

  /** The customer wrote on the channel (a fixture); the operator replies with text and uploaded files. */
  async function replyWithFiles(ctx: Ctx, fixture: string, channelId: string, externalId: string, text: string, fileIds: string[]) {
    expect((await postFixture(fixture)).status).toBe(200);
    const conversation = (await conversationWith(channelId, externalId))!;
    await customerWroteJustNow(conversation.id);
    const reply = await ctx.operator.inbox.reply({ conversationId: conversation.id, text, fileIds });
    return { conversation, messageId: reply.id };
  }

  it("an image to Messenger: the text as its own message, then the exact bytes as a multipart upload; the last id is kept", async () => {
    const ctx = await metaCompany();
    const bytes = randomBytes(4096);
    const file = await upload(ctx, "label.png", "image/png", bytes);
    const { messageId } = await replyWithFiles(ctx, "fb-message-text.json", ctx.page1.id, PSID, "Your shipping label", [file.id]);
    await deliverDueSends();

    const calls = sendsWith(ctx.tokens.page1);
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatchObject({ node: PAGE_1, tokenIn: "header" });
    expect(calls[0]!.body).toEqual({ recipient: { id: PSID }, messaging_type: "RESPONSE", message: { text: "Your shipping label" } });
    expect(calls[1]).toMatchObject({ node: PAGE_1, tokenIn: "header" });
    expect(calls[1]!.body).toEqual({
      recipient: { id: PSID },
      messaging_type: "RESPONSE",
      message: { attachment: { type: "image", payload: { is_reusable: false } } },
      filedata: { name: "label.png", type: "image/png", size: 4096, sha256: sha(bytes) },
    });
    // The id kept is the upload's (the last part), not the text's.
    expect(calls[1]!.messageId).toBeDefined();
    expect(await messageRow(messageId)).toMatchObject({ deliveryStatus: "sent", providerMessageId: calls[1]!.messageId });
  });

  it("a file alone after 24 hours goes as a multipart upload with the HUMAN_AGENT tag", async () => {
    const ctx = await metaCompany({ humanAgentEnabled: true });
    const bytes = randomBytes(1500);
    const file = await upload(ctx, "invoice.pdf", "application/pdf", bytes);
    const { conversation, messageId } = await replyWithFiles(ctx, "fb-message-text.json", ctx.page1.id, PSID, "", [file.id]);
    await db.update(conversations).set({ lastInboundAt: new Date(Date.now() - 3 * 24 * 3600_000) }).where(eq(conversations.id, conversation.id));
    await deliverDueSends();
    const calls = sendsWith(ctx.tokens.page1);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.body).toMatchObject({
      messaging_type: "MESSAGE_TAG",
      tag: "HUMAN_AGENT",
      message: { attachment: { type: "file", payload: { is_reusable: false } } },
      filedata: { name: "invoice.pdf", type: "application/pdf", sha256: sha(bytes) },
    });
    expect((await messageRow(messageId)).deliveryStatus).toBe("sent");
  });

  it("an Instagram image goes through the linked Page to the IGSID, its file name made ASCII", async () => {
    const ctx = await metaCompany();
    const bytes = randomBytes(2048);
    const file = await upload(ctx, "фото.jpg", "image/jpeg", bytes);
    const { messageId } = await replyWithFiles(ctx, "ig-message-text.json", ctx.ig.id, IGSID, "", [file.id]);
    await deliverDueSends();
    const calls = sendsWith(ctx.tokens.ig);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ node: PAGE_1, tokenIn: "header" });
    expect(calls[0]!.body).toEqual({
      recipient: { id: IGSID },
      messaging_type: "RESPONSE",
      message: { attachment: { type: "image", payload: { is_reusable: false } } },
      filedata: { name: "attachment.jpg", type: "image/jpeg", size: 2048, sha256: sha(bytes) },
    });
    expect(await messageRow(messageId)).toMatchObject({ deliveryStatus: "sent", providerMessageId: calls[0]!.messageId });
  });

  it("an Instagram text + image reply: the echo of each part is recognised as ours, and a read of the first part counts", async () => {
    const ctx = await metaCompany();
    const file = await upload(ctx, "box.jpg", "image/jpeg", randomBytes(512));
    const { messageId } = await replyWithFiles(ctx, "ig-message-text.json", ctx.ig.id, IGSID, "Yes, we ship to Portugal.", [file.id]);
    // The text part gets the id of ig-message-echo.json; the image part another one.
    metaGraphFake.enqueue(200, { recipient_id: IGSID, message_id: "aWdfZAG1fFAKE-IG-ECHO-0012" });
    metaGraphFake.enqueue(200, { recipient_id: IGSID, message_id: "aWdfZAG1fFAKE-IG-IMAGE-0013" });
    await deliverDueSends();
    expect(await messageRow(messageId)).toMatchObject({ deliveryStatus: "sent", providerMessageId: "aWdfZAG1fFAKE-IG-IMAGE-0013", providerPartIds: ["aWdfZAG1fFAKE-IG-ECHO-0012", "aWdfZAG1fFAKE-IG-IMAGE-0013"] });

    // Instagram echoes carry no app id: without the part ids this would show up as a second, "Page Inbox" reply.
    await postFixture("ig-message-echo.json");
    expect((await messagesOn(ctx.ig.id)).filter((m) => m.direction === "outbound" && !m.note)).toHaveLength(1); // (a note says the reply took it)
    await postFixture("ig-messaging-seen.json");
    expect((await messageRow(messageId)).deliveryStatus).toBe("read");
  });

  it("an Instagram PDF is refused without any API call, text included (message_rejected / invalid_request)", async () => {
    const ctx = await metaCompany();
    const file = await upload(ctx, "invoice.pdf", "application/pdf", randomBytes(1000));
    const { messageId } = await replyWithFiles(ctx, "ig-message-text.json", ctx.ig.id, IGSID, "Here is your invoice", [file.id]);
    await deliverDueSends();
    expect(sendsWith(ctx.tokens.ig)).toHaveLength(0);
    expect(await messageRow(messageId)).toMatchObject({ deliveryStatus: "failed", failureClass: "message_rejected", failureReason: "invalid_request" });
    expect((await sendRow(messageId)).status).toBe("failed");
  });

  it("an image over F7's 10 MB is refused before any upload (attachment_too_large), text included", async () => {
    const ctx = await metaCompany();
    // Stored directly: the upload endpoint itself refuses it, as a file stored before a limit change would not be.
    const big = await storeFile(db, ctx.co.companyId, { name: "huge.png", mimeType: "image/png", data: Buffer.alloc(10 * 1024 * 1024 + 1) });
    const { messageId } = await replyWithFiles(ctx, "fb-message-text.json", ctx.page1.id, PSID, "A big picture", [big.id]);
    await deliverDueSends();
    expect(sendsWith(ctx.tokens.page1)).toHaveLength(0);
    expect(await messageRow(messageId)).toMatchObject({ deliveryStatus: "failed", failureClass: "message_rejected", failureReason: "attachment_too_large" });
  });

  it("a rate limit on the upload after the text went: the retry sends only the upload, the text once", async () => {
    const ctx = await metaCompany();
    const bytes = randomBytes(3000);
    const file = await upload(ctx, "label.png", "image/png", bytes);
    const { messageId } = await replyWithFiles(ctx, "fb-message-text.json", ctx.page1.id, PSID, "Label attached", [file.id]);
    metaGraphFake.enqueue(200, { recipient_id: PSID, message_id: "m_FAKE-PART-TEXT" });
    metaGraphFake.enqueue(400, json("send-error-613-rate-limit.json"), { "Retry-After": "60" });
    await deliverDueSends();
    expect(await messageRow(messageId)).toMatchObject({ deliveryStatus: "pending", failureReason: "retrying" });

    await db.update(outboundSends).set({ nextAttemptAt: new Date(Date.now() - 1000) }).where(eq(outboundSends.messageId, messageId));
    await deliverDueSends();
    const calls = sendsWith(ctx.tokens.page1);
    expect(calls.map((c) => (c.body.filedata ? "upload" : "text"))).toEqual(["text", "upload", "upload"]);
    expect(calls[2]!.body.filedata).toMatchObject({ sha256: sha(bytes) });
    expect(await messageRow(messageId)).toMatchObject({ deliveryStatus: "sent", providerMessageId: calls[2]!.messageId });
  });
});

describe("Meta contact profiles", () => {
  const contactOn = async (channelId: string, externalId: string) =>
    (await db.select().from(contacts).where(and(eq(contacts.channelId, channelId), eq(contacts.externalId, externalId))))[0]!;
  const profileReads = (id: string) => metaGraphFake.calls.filter((c) => c.method === "GET" && c.node === id);

  it("fb-message-text.json → the new contact is named from the User Profile API (first and last name)", async () => {
    const { page1, tokens } = await metaCompany();
    const before = profileReads(PSID).length;
    metaGraphFake.profiles.set(PSID, { first_name: "Peter", last_name: "Chang", profile_pic: "https://example.invalid/p.jpg" });
    try {
      await postFixture("fb-message-text.json");
    } finally {
      metaGraphFake.profiles.delete(PSID);
    }
    expect(await contactOn(page1.id, PSID)).toMatchObject({ displayName: "Peter Chang", profileFetchedAt: expect.any(Date) });
    const reads = profileReads(PSID).slice(before);
    expect(reads).toMatchObject([{ version: env().META_GRAPH_API_VERSION, token: tokens.page1, tokenIn: "header", fields: ["first_name", "last_name"] }]);
  });

  it("ig-message-text.json → the new contact gets the Instagram name and username", async () => {
    const { ig, tokens } = await metaCompany();
    const before = profileReads(IGSID).length;
    metaGraphFake.profiles.set(IGSID, { name: "Ana Silva", username: "ana.silva" });
    try {
      await postFixture("ig-message-text.json");
    } finally {
      metaGraphFake.profiles.delete(IGSID);
    }
    expect(await contactOn(ig.id, IGSID)).toMatchObject({ displayName: "Ana Silva", username: "ana.silva" });
    expect(profileReads(IGSID).slice(before)).toMatchObject([{ token: tokens.ig, tokenIn: "header", fields: ["name", "username"] }]);
  });

  it("a refused lookup leaves the id as the name and is not retried on the next message", async () => {
    const { page1 } = await metaCompany();
    metaGraphFake.profiles.delete(PSID);
    const before = profileReads(PSID).length;
    expect((await postFixture("fb-message-text.json")).status).toBe(200);
    const contact = await contactOn(page1.id, PSID);
    expect(contact).toMatchObject({ displayName: PSID, profileFetchedAt: expect.any(Date) });
    expect(profileReads(PSID).length - before).toBe(1);

    metaGraphFake.profiles.set(PSID, { first_name: "Peter", last_name: "Chang" });
    try {
      await postFixture("fb-message-quick-reply-and-reply-to.json");
    } finally {
      metaGraphFake.profiles.delete(PSID);
    }
    expect((await messagesOn(page1.id)).length).toBe(2);
    expect(profileReads(PSID).length - before).toBe(1);
    expect((await contactOn(page1.id, PSID)).displayName).toBe(PSID);
  });
});

describe("Meta webhook: times the product cannot read (issues 15 and 22)", () => {
  /** Issue 15's entry.time: a signed body Meta would retry for ever while it got a 503. */
  const ABSURD = "123456789012345678901234567890123456789";

  it("a signed permissions change with an impossible entry.time: 200, stored and processed at the receipt time", async () => {
    const { page1 } = await metaCompany();
    const body = readFileSync(new URL("permissions-webhook-revoked.json", dir), "utf8").replace('"time": 1767226000', `"time": ${ABSURD}`);
    expect(body).toContain(ABSURD);
    const before = Date.now();
    const res = await postSigned(body);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, stored: 2 });
    const [event] = await eventsOn(page1.id);
    expect(event).toMatchObject({ eventType: "permissions.pages_messaging.revoked", status: "processed" });
    // Ordered by the time it was received: the impossible time never reached the bigint column.
    expect(event!.sequence).toBeGreaterThanOrEqual(before);
    expect(event!.sequence).toBeLessThanOrEqual(Date.now());
    expect(await channelRow(page1.id)).toMatchObject({ status: "disconnected", statusReason: "permission_revoked" });
  });

  it("a signed message with an impossible entry.time and no timestamp reaches the conversation, timed when it was received", async () => {
    const { page1 } = await metaCompany();
    const body = `{"object":"page","entry":[{"id":"${PAGE_1}","time":${ABSURD},"messaging":[{"sender":{"id":"${PSID}"},"recipient":{"id":"${PAGE_1}"},"message":{"mid":"m_FAKE-ABSURD-TIME-0001","text":"Is anyone there?"}}]}]}`;
    const res = await postSigned(body);
    expect(res.status).toBe(200);
    const [event, ...others] = await eventsOn(page1.id);
    expect(others).toHaveLength(0);
    expect(event).toMatchObject({ dedupeKey: "mid:m_FAKE-ABSURD-TIME-0001", status: "processed" });
    const [message] = await messagesOn(page1.id);
    expect(message).toMatchObject({ direction: "inbound", authorKind: "customer", text: "Is anyone there?", providerTimestamp: event!.receivedAt });
    expect(await conversationWith(page1.id, PSID)).toBeDefined();
  });

  it("an Instagram message timed in ISO text (as Chatwoot's test factories send it) reaches the inbox at that time", async () => {
    const { ig, operator } = await metaCompany();
    const body = JSON.stringify({
      object: "instagram",
      entry: [
        {
          id: IG,
          time: "2021-09-08T06:34:04+0000",
          messaging: [{ sender: { id: IGSID }, recipient: { id: IG }, timestamp: "2021-09-08T06:34:04+0000", message: { mid: "aWdfZAG1fFAKE-IG-ISO-0001", text: "This is the first message from the customer", attachments: null, reply_to: null } }],
        },
      ],
    });
    expect((await postSigned(body)).status).toBe(200);
    const [message] = await messagesOn(ig.id);
    expect(message).toMatchObject({ direction: "inbound", text: "This is the first message from the customer", providerTimestamp: new Date("2021-09-08T06:34:04Z") });
    const inbox = await operator.inbox.list({ filter: "open" });
    expect(inbox.find((c) => c.preview === "This is the first message from the customer")).toMatchObject({ provider: "instagram" });
  });
});

