import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { and, asc, eq, inArray, isNull, or } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { db } from "../../../db";
import { channels, contacts, conversations, inboundEvents, messages } from "../../../db/schema";
import { signMetaBody } from "../../channels/meta/signature";
import { seal } from "../../crypto/secret-box";
import { callerFor, seedTestCompany } from "../../testing/factories";
import { metaGraphFake } from "../../testing/setup";
import { handleMetaWebhook } from "../../webhooks/meta";
import { PASS_TO_BOT_METADATA } from "./pass-to-bot";

// F10 (seed 004), driven by the handover fixtures posted through the Meta webhook like Meta posts them.
const dir = new URL("../../../e2e/fixtures/meta/", import.meta.url);
const signatures = JSON.parse(readFileSync(new URL("signatures.json", dir), "utf8")) as { app_secret: string; signatures: Record<string, string> };

const PAGE_1 = "100000000000001";
const PSID = "7000000000000001";
const BOT_APP = "900000000000999";
const PAGE_INBOX_APP = "263902037430900";

async function post(body: Uint8Array<ArrayBuffer> | string, signature: string) {
  const request = new Request("http://localhost/api/webhooks/meta", { method: "POST", headers: { "content-type": "application/json", "x-hub-signature-256": signature }, body });
  const outcome = await handleMetaWebhook(request);
  await outcome.after?.();
  expect(outcome.response.status).toBe(200);
}
const postFixture = (name: string) => post(new Uint8Array(readFileSync(new URL(name, dir))), signatures.signatures[name]!);

/** The customer writes again (a message of their own, not a fixture: fixtures are deduplicated by mid). */
function customerWrites(text: string) {
  const body = JSON.stringify({
    object: "page",
    entry: [{ id: PAGE_1, time: Date.now(), messaging: [{ sender: { id: PSID }, recipient: { id: PAGE_1 }, timestamp: Date.now(), message: { mid: `m_${randomBytes(8).toString("hex")}`, text } }] }],
  });
  return post(body, signMetaBody(body, signatures.app_secret));
}

/** A company owning the fixtures' Page 1 on its Sales line (default team: Support, two operators). */
async function pageCompany() {
  await db.delete(channels).where(and(eq(channels.provider, "messenger"), eq(channels.externalId, PAGE_1)));
  await db.delete(inboundEvents).where(and(isNull(inboundEvents.channelId), inArray(inboundEvents.provider, ["messenger", "instagram"])));
  const co = await seedTestCompany();
  const pageToken = `EAAfake${randomBytes(12).toString("hex")}`;
  const [page] = await db
    .insert(channels)
    .values({ companyId: co.companyId, lineId: co.lineIds[0]!, provider: "messenger", name: "Fixture Page 1", externalId: PAGE_1, credentials: seal({ pageToken }), settings: {} })
    .returning();
  const operator = callerFor({ id: co.operators[0]!.id, companyId: co.companyId, role: "operator" });
  return { co, page: page!, pageToken, operator };
}

async function openConversation(channelId: string) {
  const [row] = await db
    .select({ conversation: conversations })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(and(eq(conversations.channelId, channelId), eq(contacts.externalId, PSID), or(eq(conversations.status, "new"), eq(conversations.status, "in_progress"))));
  return row!.conversation;
}

const notesOf = async (conversationId: string) =>
  (await db.select({ note: messages.note }).from(messages).where(and(eq(messages.conversationId, conversationId), eq(messages.authorKind, "system"))).orderBy(asc(messages.createdAt)))
    .map((m) => m.note)
    .filter((n) => n !== null);

const passCalls = () => metaGraphFake.calls.filter((c) => c.method === "POST" && c.edge === "pass_thread_control");

/** The customer wrote, then the Page's bot took the thread: its standby message, then its own reply (an echo). */
async function botOwnedThread() {
  const ctx = await pageCompany();
  await postFixture("fb-message-text.json");
  await postFixture("fb-standby-message.json");
  await postFixture("fb-standby-echo-other-app.json");
  return { ...ctx, conversation: await openConversation(ctx.page.id) };
}

/** …and then the customer turned the bot off: the bot passed the thread to us. */
async function botTurnedOff() {
  const ctx = await botOwnedThread();
  await postFixture("fb-handover-pass-thread-control-to-us.json");
  return ctx;
}

describe("Handover with the Page's bot (F10, seed 004)", () => {
  beforeEach(() => metaGraphFake.reset());

  it("a thread the bot owns sits in New, unassigned, with the banner's data: the bot handles it, who owns it, and the bot's replies labelled Bot", async () => {
    const { conversation, operator } = await botOwnedThread();
    expect(conversation).toMatchObject({ handler: "bot", status: "new", assigneeId: null });

    const thread = await operator.inbox.thread({ conversationId: conversation.id });
    expect(thread.conversation).toMatchObject({ handler: "bot", status: "new", assigneeId: null });
    // The standby message did not name the bot; its echo did, and the note says so (one note, not two).
    expect(thread.handover).toEqual({ owner: { kind: "app", appId: BOT_APP, appName: null }, botOff: false, botAppId: BOT_APP });
    expect(await notesOf(conversation.id)).toEqual([{ code: "bot_handling", params: { owner: "app", app: BOT_APP } }]);
    expect(thread.messages.filter((m) => m.authorKind === "bot").map((m) => m.text)).toEqual(["Automated reply from another app"]);
    expect(thread.composer.state).not.toBe("ready");

    const newTab = await operator.inbox.list({ tab: "new" });
    expect(newTab.find((r) => r.id === conversation.id)).toBeDefined();
    // Nothing to pass back while the bot has it.
    await expect(operator.inbox.passToBot({ conversationId: conversation.id })).resolves.toEqual({ ok: true, changed: false });
    expect(passCalls()).toEqual([]);
  });

  it("the customer turns the bot off → routed to an operator of the line's default team, Bot handling is off, Pass to bot available", async () => {
    const { co, conversation, operator } = await botTurnedOff();
    const now = await openConversation(conversation.channelId);
    const team = co.operators.map((o) => o.id);
    expect(now).toMatchObject({ id: conversation.id, handler: "humans", status: "in_progress" });
    expect(team).toContain(now.assigneeId);

    const thread = await operator.inbox.thread({ conversationId: conversation.id });
    expect(thread.handover).toEqual({ owner: null, botOff: true, botAppId: BOT_APP });
    expect(thread.team?.name).toBe("Support");
    expect((await notesOf(conversation.id)).map((n) => n.code)).toEqual(["bot_handling", "bot_off", "routed"]);
    expect(passCalls()).toEqual([]);
  });

  it("Pass to bot sends pass_thread_control to the Graph API (the Page, the PSID, the bot's app id) and the thread is the bot's again", async () => {
    const { conversation, operator, pageToken } = await botTurnedOff();

    expect(await operator.inbox.passToBot({ conversationId: conversation.id })).toEqual({ ok: true, changed: true });
    expect(passCalls()).toHaveLength(1);
    expect(passCalls()[0]).toMatchObject({
      method: "POST",
      node: PAGE_1,
      edge: "pass_thread_control",
      token: pageToken,
      tokenIn: "header",
      body: { recipient: { id: PSID }, target_app_id: BOT_APP, metadata: PASS_TO_BOT_METADATA },
    });

    expect(await openConversation(conversation.channelId)).toMatchObject({ id: conversation.id, handler: "bot", status: "new", assigneeId: null });
    expect((await notesOf(conversation.id)).at(-1)).toEqual({ code: "passed_to_bot", params: { name: "Olena Operator", owner: "app", app: BOT_APP } });
    const thread = await operator.inbox.thread({ conversationId: conversation.id });
    expect(thread.handover).toEqual({ owner: { kind: "app", appId: BOT_APP, appName: null }, botOff: false, botAppId: BOT_APP });

    // The bot's next standby echo names the owner we already know: no second note.
    await postFixture("fb-standby-message.json");
    expect((await notesOf(conversation.id)).at(-1)?.code).toBe("passed_to_bot");
  });

  it("Meta refuses the handover: the operator reads why and nothing changes", async () => {
    const { conversation, operator } = await botTurnedOff();
    metaGraphFake.enqueue(400, { error: { message: "(#10) Handover Protocol APIs disabled for this page.", type: "OAuthException", code: 10, fbtrace_id: "AFAKE" } });
    await expect(operator.inbox.passToBot({ conversationId: conversation.id })).rejects.toMatchObject({ message: "inbox.error.passToBotFailed" });
    expect(await openConversation(conversation.channelId)).toMatchObject({ handler: "humans", status: "in_progress" });
  });

  it("the Page's other apps learned by name (subscribed_apps): the banner's owner is the bot's name, and only this Page's names count", async () => {
    const { page, operator, co } = await pageCompany();
    await db
      .update(channels)
      .set({ settings: { pageApps: [{ id: "730000000000001", name: "Someone Else's Bot" }, { id: BOT_APP, name: "Acme Shop Bot" }] } })
      .where(eq(channels.id, page.id));
    // Another channel of the company knowing a different name for the same id does not leak into this Page's thread.
    await db.update(channels).set({ settings: { pageApps: [{ id: BOT_APP, name: "Wrong Bot" }] } }).where(and(eq(channels.companyId, co.companyId), eq(channels.provider, "instagram")));
    await postFixture("fb-message-text.json");
    await postFixture("fb-standby-message.json");
    await postFixture("fb-standby-echo-other-app.json");
    const conversation = await openConversation(page.id);
    const thread = await operator.inbox.thread({ conversationId: conversation.id });
    expect(thread.handover?.owner).toEqual({ kind: "app", appId: BOT_APP, appName: "Acme Shop Bot" });
  });

  it("take_thread_control by another app → the thread shows who owns it (Meta Business Suite's inbox)", async () => {
    const { conversation, operator } = await botTurnedOff();
    await postFixture("fb-handover-take-thread-control.json");
    expect(await openConversation(conversation.channelId)).toMatchObject({ handler: "bot", status: "new", assigneeId: null });
    const thread = await operator.inbox.thread({ conversationId: conversation.id });
    expect(thread.handover).toEqual({ owner: { kind: "provider_inbox", appId: PAGE_INBOX_APP, appName: null }, botOff: false, botAppId: BOT_APP });
    expect((await notesOf(conversation.id)).at(-1)).toEqual({ code: "bot_handling", params: { owner: "provider_inbox", app: PAGE_INBOX_APP } });
  });

  it("closing without passing back leaves the bot off for that customer: the next message reaches the team, Pass to bot still offered", async () => {
    const { conversation, operator } = await botTurnedOff();
    expect(await operator.inbox.close({ conversationId: conversation.id })).toEqual({ ok: true, changed: true });
    await customerWrites("Me again, a human please");

    const next = await openConversation(conversation.channelId);
    expect(next.id).not.toBe(conversation.id);
    expect(next).toMatchObject({ handler: "humans", status: "new" });
    const thread = await operator.inbox.thread({ conversationId: next.id });
    expect(thread.handover).toEqual({ owner: null, botOff: true, botAppId: BOT_APP });
    expect(passCalls()).toEqual([]);
  });

  it("no bot seen on the customer's thread yet: Pass to bot says there is nobody to pass it to and calls nothing", async () => {
    const { page, operator } = await pageCompany();
    await postFixture("fb-message-text.json");
    const conversation = await openConversation(page.id);
    await db.update(conversations).set({ handler: "bot" }).where(eq(conversations.id, conversation.id));
    await postFixture("fb-handover-pass-thread-control-from-idle.json");
    const thread = await operator.inbox.thread({ conversationId: conversation.id });
    expect(thread.handover).toEqual({ owner: null, botOff: true, botAppId: null });
    await expect(operator.inbox.passToBot({ conversationId: conversation.id })).rejects.toMatchObject({ message: "inbox.error.botUnknown" });
    expect(passCalls()).toEqual([]);
  });
});
