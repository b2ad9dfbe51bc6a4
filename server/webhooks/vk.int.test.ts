import { createHash, randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { and, eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { db } from "../../db";
import { channelIncidents, channels, contacts, inboundEvents, messages, outboundSends, storedFiles } from "../../db/schema";
import { vkRandomId } from "../channels/vk/random-id";
import { seal } from "../crypto/secret-box";
import { env } from "../env.js";
import { storeFile, uploadAttachment } from "../services/files/store-file";
import { deliverDueSends } from "../services/sends/deliver-due-sends";
import { callerFor, seedTestCompany } from "../testing/factories";
import { vkFake } from "../testing/setup";
import { handleVkWebhook, VK_RETRY_HEADER } from "./vk";

// The fixtures' community and callback secret (e2e/fixtures/README-telegram-vk.md).
const GROUP_ID = "229876543";
const SECRET = "Fake_Callback_Secret_2026";
const CONFIRMATION_CODE = readFileSync(new URL("../../e2e/fixtures/vk/callback_confirmation_expected_response.txt", import.meta.url), "utf8");

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../e2e/fixtures/vk/${name}`, import.meta.url), "utf8")) as Record<string, unknown>;
const withEventId = (body: Record<string, unknown>) => ({ ...body, event_id: randomBytes(20).toString("hex") });

/**
 * A seeded company with a VK channel for the fixtures' community. (provider, externalId) is unique, so the
 * previous test's channel (and, by cascade, its events and messages) goes first.
 */
async function vkCompany(opts: { secret?: string; confirmationCode?: string } = {}) {
  const co = await seedTestCompany();
  await db.delete(channels).where(and(eq(channels.provider, "vk"), eq(channels.externalId, GROUP_ID)));
  const accessToken = `vk1.a.${randomBytes(24).toString("base64url")}`;
  const [channel] = await db
    .insert(channels)
    .values({
      companyId: co.companyId,
      lineId: co.lineIds[1]!,
      provider: "vk",
      name: "Acme Store (test)",
      externalId: GROUP_ID,
      credentials: seal({ accessToken, secret: opts.secret ?? SECRET }),
      settings: { username: "acme_store_test", vkConfirmationCode: opts.confirmationCode ?? CONFIRMATION_CODE },
    })
    .returning();
  return { co, channel: channel!, accessToken };
}

/** Posts a Callback API notification like VK does, then runs the after-acknowledgement processing. */
async function postVk(channelId: string, body: unknown, headers: Record<string, string> = {}) {
  const request = new Request(`http://localhost/api/webhooks/vk/${channelId}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const outcome = await handleVkWebhook(channelId, request);
  await outcome.after?.();
  return outcome.response;
}

const eventsOf = (channelId: string) => db.select().from(inboundEvents).where(eq(inboundEvents.channelId, channelId));
const messagesOf = (channelId: string) => db.select().from(messages).where(eq(messages.channelId, channelId));
const contactsOf = (channelId: string) => db.select().from(contacts).where(eq(contacts.channelId, channelId));

async function expectOk(response: Response) {
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
  expect(await response.text()).toBe("ok");
}

describe("VK Callback API webhook", () => {
  it("callback_confirmation.json: answers exactly the confirmation code as text/plain and stores nothing", async () => {
    const { channel } = await vkCompany();
    // With a secret configured, VK sends it in the confirmation too, and it is checked.
    const res = await postVk(channel.id, { ...fixture("callback_confirmation.json"), secret: SECRET });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await res.text()).toBe(CONFIRMATION_CODE);
    expect(CONFIRMATION_CODE).toBe("a1b2c3d4");

    expect((await postVk(channel.id, fixture("callback_confirmation.json"))).status).toBe(401);
    expect((await postVk(channel.id, { ...fixture("callback_confirmation.json"), secret: "nope" })).status).toBe(401);
    expect(await eventsOf(channel.id)).toHaveLength(0);
  });

  it("callback_confirmation.json without a configured secret: answered as is; events are still refused", async () => {
    const { channel } = await vkCompany({ secret: "", confirmationCode: "zz99yy88" });
    const res = await postVk(channel.id, fixture("callback_confirmation.json"));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("zz99yy88");
    expect((await postVk(channel.id, fixture("callback_message_new_text.json"))).status).toBe(401);
    expect(await eventsOf(channel.id)).toHaveLength(0);
  });

  it("callback_message_new_text.json: stored raw (without the secret) before the ok, then one inbound message", async () => {
    const { co, channel } = await vkCompany();
    const body = fixture("callback_message_new_text.json");
    await expectOk(await postVk(channel.id, body));

    const [event, ...rest] = await eventsOf(channel.id);
    expect(rest).toHaveLength(0);
    expect(event).toMatchObject({ provider: "vk", companyId: co.companyId, dedupeKey: `${GROUP_ID}:${String(body.event_id)}`, eventType: "message_new", status: "processed" });
    const { secret: _secret, ...withoutSecret } = body;
    expect(_secret).toBe(SECRET);
    expect(event!.payload).toEqual(withoutSecret);

    const [message, ...more] = await messagesOf(channel.id);
    expect(more).toHaveLength(0);
    expect(message).toMatchObject({
      direction: "inbound",
      authorKind: "customer",
      text: "Здравствуйте! Где мой заказ №4512?",
      providerMessageId: "111222333:731",
      deliveryStatus: "delivered",
      providerTimestamp: new Date(1767225600 * 1000),
    });
    const [contact] = await contactsOf(channel.id);
    expect(contact).toMatchObject({ externalId: "111222333", chatKind: "private" });

    const operator = callerFor({ id: co.operators[0]!.id, companyId: co.companyId, role: "operator" });
    const inbox = await operator.inbox.list({ filter: "open" });
    expect(inbox.filter((c) => c.provider === "vk").map((c) => c.preview)).toEqual(["Здравствуйте! Где мой заказ №4512?"]);
    const [after] = await db.select().from(channels).where(eq(channels.id, channel.id));
    expect(after!.lastWebhookAt).not.toBeNull();
  });

  it("callback_message_new_text.json redelivered with the same event_id (X-Retry-Counter): ok, one event, one message", async () => {
    const { channel } = await vkCompany();
    const body = fixture("callback_message_new_text.json");
    await expectOk(await postVk(channel.id, body));
    await expectOk(await postVk(channel.id, body, { [VK_RETRY_HEADER]: "1" }));
    await expectOk(await postVk(channel.id, body, { [VK_RETRY_HEADER]: "2" }));
    expect(await eventsOf(channel.id)).toHaveLength(1);
    expect(await messagesOf(channel.id)).toHaveLength(1);
  });

  it("callback_message_new_photo.json: the largest photo size is stored as the image attachment", async () => {
    const { channel } = await vkCompany();
    await expectOk(await postVk(channel.id, fixture("callback_message_new_photo.json")));
    const [message] = await messagesOf(channel.id);
    expect(message).toMatchObject({ text: "Упаковка повреждена", providerMessageId: "111222333:732" });
    // The test run allows downloads from loopback only, so the fixture's CDN URL is kept, never contacted.
    expect(message!.attachments).toEqual([
      { kind: "image", mimeType: "image/jpeg", name: "photo111222333_457239017", providerRef: "https://sun9-1.userapi.com/impg/FAKE-PATH/example.jpg?size=960x1280&type=album", note: "fetch_failed" },
    ]);
  });

  it("callback_message_new_photo.json from an allowed media host: the photo is copied into storage", async () => {
    const bytes = randomBytes(1500);
    const cdn = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "image/jpeg" });
      res.end(bytes);
    });
    await new Promise<void>((resolve) => cdn.listen(0, "127.0.0.1", resolve));
    try {
      const address = cdn.address();
      const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/impg/example.jpg`;
      const { channel } = await vkCompany();
      const body = JSON.parse(JSON.stringify(fixture("callback_message_new_photo.json")).replaceAll("https://sun9-1.userapi.com/impg/FAKE-PATH/example.jpg", url)) as unknown;
      await expectOk(await postVk(channel.id, body));
      const [message] = await messagesOf(channel.id);
      const [attachment] = message!.attachments;
      expect(attachment).toMatchObject({ kind: "image", fileId: expect.any(String), sizeBytes: 1500 });
      const [file] = await db.select().from(storedFiles).where(eq(storedFiles.id, attachment!.fileId!));
      expect(Buffer.compare(file!.data!, bytes)).toBe(0);
    } finally {
      await new Promise<void>((resolve) => cdn.close(() => resolve()));
    }
  });

  it("callback_message_new_chat.json: a chat message with id 0 is keyed by peer_id + conversation_message_id", async () => {
    const { channel } = await vkCompany();
    const body = fixture("callback_message_new_chat.json");
    await expectOk(await postVk(channel.id, body));
    // A second chat message: also id 0, so only conversation_message_id tells them apart.
    const object = body.object as { message: Record<string, unknown> };
    await expectOk(await postVk(channel.id, withEventId({ ...body, object: { ...object, message: { ...object.message, conversation_message_id: 59, text: "и в субботу?" } } })));

    const stored = (await messagesOf(channel.id)).map((m) => [m.providerMessageId, m.text]).sort();
    expect(stored).toEqual([
      ["2000000001:58", "id444555666: [club229876543|@acme] магазин работает в воскресенье?"],
      ["2000000001:59", "id444555666: и в субботу?"],
    ]);
    const chats = await contactsOf(channel.id);
    expect(chats).toHaveLength(1);
    expect(chats[0]).toMatchObject({ externalId: "2000000001", chatKind: "group", displayName: "VK chat 1" });
  });

  it("callback_message_new_text.json: the new contact is named from users.get (first and last name, screen_name)", async () => {
    const { channel, accessToken } = await vkCompany();
    vkFake.users.set("111222333", { first_name: "Анна", last_name: "Петрова", screen_name: "anna_petrova" });
    try {
      await expectOk(await postVk(channel.id, fixture("callback_message_new_text.json")));
    } finally {
      vkFake.users.delete("111222333");
    }
    const [contact] = await contactsOf(channel.id);
    expect(contact).toMatchObject({ externalId: "111222333", displayName: "Анна Петрова", username: "anna_petrova" });
    expect(contact!.profileFetchedAt).toBeInstanceOf(Date);
    const lookups = vkFake.calls.filter((c) => c.token === accessToken && c.method === "users.get");
    expect(lookups).toHaveLength(1);
    expect(lookups[0]!.params).toMatchObject({ user_ids: "111222333", fields: "screen_name" });
  });

  it("callback_message_new_chat.json: a chat contact is named after the conversation's title", async () => {
    const { channel, accessToken } = await vkCompany();
    vkFake.chats.set("2000000001", { title: "Оптовики Acme" });
    try {
      await expectOk(await postVk(channel.id, fixture("callback_message_new_chat.json")));
    } finally {
      vkFake.chats.delete("2000000001");
    }
    const [chat] = await contactsOf(channel.id);
    expect(chat).toMatchObject({ externalId: "2000000001", chatKind: "group", displayName: "Оптовики Acme" });
    const lookups = vkFake.calls.filter((c) => c.token === accessToken && c.method === "messages.getConversationsById");
    expect(lookups.map((c) => c.params)).toEqual([expect.objectContaining({ peer_ids: "2000000001", group_id: GROUP_ID })]);
    // A chat is never looked up as a user.
    expect(vkFake.calls.filter((c) => c.token === accessToken && c.method === "users.get")).toHaveLength(0);
  });

  it("a failed users.get keeps the placeholder name and is not retried on the contact's next message", async () => {
    const { channel, accessToken } = await vkCompany();
    vkFake.enqueue("users.get", fixture("error_15_access_denied.json"));
    await expectOk(await postVk(channel.id, fixture("callback_message_new_text.json")));
    const [contact] = await contactsOf(channel.id);
    expect(contact).toMatchObject({ displayName: "id111222333", username: null });
    expect(contact!.profileFetchedAt).toBeInstanceOf(Date);
    expect((await eventsOf(channel.id))[0]).toMatchObject({ status: "processed" });

    // VK would now answer, but the contact was already looked up once.
    vkFake.users.set("111222333", { first_name: "Анна", last_name: "Петрова" });
    try {
      const body = fixture("callback_message_new_text.json");
      const object = body.object as { message: Record<string, unknown> };
      await expectOk(await postVk(channel.id, withEventId({ ...body, object: { ...object, message: { ...object.message, id: 740, conversation_message_id: 740, text: "Алло?" } } })));
    } finally {
      vkFake.users.delete("111222333");
    }
    expect(await messagesOf(channel.id)).toHaveLength(2);
    expect((await contactsOf(channel.id))[0]).toMatchObject({ displayName: "id111222333" });
    expect(vkFake.calls.filter((c) => c.token === accessToken && c.method === "users.get")).toHaveLength(1);
  });

  it("callback_message_reply.json: an admin's answer from VK's own inbox joins the thread as an outbound message", async () => {
    const { channel } = await vkCompany();
    await expectOk(await postVk(channel.id, fixture("callback_message_new_text.json")));
    await expectOk(await postVk(channel.id, fixture("callback_message_reply.json")));
    const [event] = (await eventsOf(channel.id)).filter((e) => e.eventType === "message_reply");
    expect(event).toMatchObject({ status: "processed" });
    const outbound = (await messagesOf(channel.id)).filter((m) => m.direction === "outbound");
    expect(outbound).toHaveLength(1);
    expect(outbound[0]).toMatchObject({ text: "Ваш заказ №4512 будет отправлен завтра.", providerMessageId: "111222333:733", deliveryStatus: "sent", authorKind: "operator" });
  });

  it("callback_message_deny.json: the contact is marked as having blocked the community", async () => {
    const { channel } = await vkCompany();
    await expectOk(await postVk(channel.id, fixture("callback_message_new_text.json")));
    await expectOk(await postVk(channel.id, fixture("callback_message_deny.json")));
    const [contact] = await contactsOf(channel.id);
    expect(contact!.blockedUsAt).toBeInstanceOf(Date);
    expect((await eventsOf(channel.id)).find((e) => e.eventType === "message_deny")).toMatchObject({ status: "processed" });
  });

  it("callback_message_allow.json: a denied contact allows messages again", async () => {
    const { channel } = await vkCompany();
    await expectOk(await postVk(channel.id, fixture("callback_message_new_text.json")));
    await expectOk(await postVk(channel.id, fixture("callback_message_deny.json")));
    expect((await contactsOf(channel.id))[0]!.blockedUsAt).not.toBeNull();
    await expectOk(await postVk(channel.id, fixture("callback_message_allow.json")));
    expect((await contactsOf(channel.id))[0]!.blockedUsAt).toBeNull();
  });

  it("callback_group_leave.json: stored and processed; the contact and its thread stay as they are", async () => {
    const { channel } = await vkCompany();
    await expectOk(await postVk(channel.id, fixture("callback_message_new_text.json")));
    await expectOk(await postVk(channel.id, fixture("callback_group_leave.json")));
    expect((await eventsOf(channel.id)).find((e) => e.eventType === "group_leave")).toMatchObject({ status: "processed", dedupeKey: `${GROUP_ID}:bf6e7c8091a2b3c4d5e6f708192a3b4c5d6e7f80` });
    const [contact] = await contactsOf(channel.id);
    expect(contact).toMatchObject({ endedAt: null, blockedUsAt: null });
    expect(await messagesOf(channel.id)).toHaveLength(1);
  });

  it("callback_message_new_wrong_secret.json: 401, nothing stored (and the same for a missing secret)", async () => {
    const { channel } = await vkCompany();
    const body = fixture("callback_message_new_wrong_secret.json");
    const res = await postVk(channel.id, body);
    expect(res.status).toBe(401);
    expect(await res.text()).not.toBe("ok");
    const { secret: _secret, ...missing } = body;
    expect(_secret).toBe("WRONG_secret_value");
    expect((await postVk(channel.id, missing)).status).toBe(401);
    expect(await eventsOf(channel.id)).toHaveLength(0);
    expect(await messagesOf(channel.id)).toHaveLength(0);
  });

  it("refuses a notification for another community with 400 and stores nothing", async () => {
    const { channel } = await vkCompany();
    const res = await postVk(channel.id, { ...fixture("callback_message_new_text.json"), group_id: 111 });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatch(/group_id/);
    expect(await eventsOf(channel.id)).toHaveLength(0);
  });

  it("stores and acknowledges an event type the product does not handle", async () => {
    const { channel } = await vkCompany();
    await expectOk(await postVk(channel.id, withEventId({ ...fixture("callback_message_allow.json"), type: "wall_post_new", object: { id: 1, owner_id: -229876543 } })));
    const [event] = await eventsOf(channel.id);
    expect(event).toMatchObject({ eventType: "wall_post_new", status: "ignored" });
  });

  it("answers malformed JSON and bodies that are not notifications with 400 and a reason", async () => {
    const { channel } = await vkCompany();
    const bad = await postVk(channel.id, "{not json");
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatch(/malformed JSON/);
    expect((await postVk(channel.id, [1, 2])).status).toBe(400);
    const noEventId = await postVk(channel.id, { ...fixture("callback_message_new_text.json"), event_id: undefined });
    expect(noEventId.status).toBe(400);
    expect((await noEventId.json()).error).toMatch(/event_id/);
    expect(await eventsOf(channel.id)).toHaveLength(0);
  });

  it("answers a body over WEBHOOK_MAX_BODY_BYTES with 413", async () => {
    const { channel } = await vkCompany();
    const huge = JSON.stringify({ ...fixture("callback_message_new_text.json"), object: { message: { text: "x".repeat(env().WEBHOOK_MAX_BODY_BYTES + 10) } } });
    expect((await postVk(channel.id, huge)).status).toBe(413);
    expect(await eventsOf(channel.id)).toHaveLength(0);
  });

  it("answers an unknown channel with 404", async () => {
    const { co } = await vkCompany();
    const body = fixture("callback_message_new_text.json");
    expect((await postVk(randomUUID(), body)).status).toBe(404);
    expect((await postVk("not-a-uuid", body)).status).toBe(404);
    // A channel of another provider is not a VK endpoint.
    expect((await postVk(co.telegram.channelId, body)).status).toBe(404);
  });
});

describe("sending replies to VK", () => {
  type File = { name: string; mimeType: string; data: Buffer };
  /**
   * A VK customer wrote in, and an operator's reply is queued to them, with files uploaded as the operator
   * does (F7-checked) or, with `raw`, stored as is (to reach the adapter's own limit check).
   */
  async function queuedReply(text: string, files: File[] = [], opts: { raw?: boolean } = {}) {
    const vk = await vkCompany();
    await expectOk(await postVk(vk.channel.id, fixture("callback_message_new_text.json")));
    const operatorId = vk.co.operators[0]!.id;
    const ctx = { db, companyId: vk.co.companyId, actor: { kind: "user" as const, userId: operatorId, role: "operator" as const } };
    const fileIds: string[] = [];
    for (const input of files) fileIds.push((opts.raw ? await storeFile(db, vk.co.companyId, input) : await uploadAttachment({ ctx, input })).id);
    const operator = callerFor({ id: operatorId, companyId: vk.co.companyId, role: "operator" });
    const conversation = (await operator.inbox.list({ filter: "open" })).find((c) => c.provider === "vk");
    const reply = await operator.inbox.reply({ conversationId: conversation!.id, text, fileIds });
    const [send] = await db.select().from(outboundSends).where(eq(outboundSends.messageId, reply.id));
    return { ...vk, messageId: reply.id, send: send!, randomId: vkRandomId(send!.idempotencyKey) };
  }
  const sendsOf = (text: string) => vkFake.calls.filter((c) => c.method === "messages.send" && c.params.message === text);
  const messageRow = async (id: string) => (await db.select().from(messages).where(eq(messages.id, id)))[0]!;
  const sendRow = async (messageId: string) => (await db.select().from(outboundSends).where(eq(outboundSends.messageId, messageId)))[0]!;
  const channelRow = async (id: string) => (await db.select().from(channels).where(eq(channels.id, id)))[0]!;
  const vkError = (name: string) => fixture(name);

  it("sends a reply with messages.send (peer_id, random_id from the send's key) and ignores VK's echo of it", async () => {
    const { channel, accessToken, messageId, randomId } = await queuedReply("Заказ отправлен сегодня.");
    await deliverDueSends();
    const calls = sendsOf("Заказ отправлен сегодня.");
    expect(calls).toHaveLength(1);
    expect(calls[0]!.token).toBe(accessToken);
    expect(calls[0]!.params).toMatchObject({ peer_id: "111222333", random_id: String(randomId), v: env().VK_API_VERSION });
    expect(calls[0]!.params).not.toHaveProperty("access_token");
    const row = await messageRow(messageId);
    expect(row).toMatchObject({ deliveryStatus: "sent", providerMessageId: `111222333:r${randomId}` });

    // VK echoes our send as message_reply (no admin_author_id, our random_id): no second copy in the thread.
    const echo = fixture("callback_message_reply.json");
    const object: Record<string, unknown> = { ...(echo.object as Record<string, unknown>), id: 2052, conversation_message_id: 735, random_id: randomId, text: "Заказ отправлен сегодня." };
    delete object.admin_author_id;
    await expectOk(await postVk(channel.id, withEventId({ ...echo, object })));
    const outbound = (await messagesOf(channel.id)).filter((m) => m.direction === "outbound" && !m.note); // (the reply took the conversation: a note says so)
    expect(outbound.map((m) => m.id)).toEqual([messageId]);
  });

  it("response_messages_send_ok.json: the reply is sent", async () => {
    const { messageId, randomId } = await queuedReply("Ваш заказ №4512 отправлен.");
    vkFake.enqueue("messages.send", fixture("response_messages_send_ok.json"));
    await deliverDueSends();
    expect(sendsOf("Ваш заказ №4512 отправлен.")).toHaveLength(1);
    expect(await messageRow(messageId)).toMatchObject({ deliveryStatus: "sent", failureReason: null, providerMessageId: `111222333:r${randomId}` });
    expect(await sendRow(messageId)).toMatchObject({ status: "sent", attempts: 1 });
  });

  it("error_6_too_many_requests.json: retried later, with the same random_id, and delivered once", async () => {
    const { messageId, randomId } = await queuedReply("Повторите, пожалуйста");
    vkFake.enqueue("messages.send", vkError("error_6_too_many_requests.json"));
    const before = Date.now();
    await deliverDueSends();
    const waiting = await sendRow(messageId);
    expect(waiting).toMatchObject({ status: "queued", lastErrorClass: "retry_later", attempts: 1 });
    expect(waiting.lastError).toMatchObject({ code: 6 });
    expect(waiting.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(before + 1000);
    expect(await messageRow(messageId)).toMatchObject({ deliveryStatus: "pending", failureReason: "retrying" });

    await db.update(outboundSends).set({ nextAttemptAt: new Date(Date.now() - 1000) }).where(eq(outboundSends.id, waiting.id));
    await deliverDueSends();
    const calls = sendsOf("Повторите, пожалуйста");
    expect(calls).toHaveLength(2);
    expect(calls.map((c) => c.params.random_id)).toEqual([String(randomId), String(randomId)]);
    expect(await messageRow(messageId)).toMatchObject({ deliveryStatus: "sent", failureReason: null });
    expect((await sendRow(messageId)).attempts).toBe(2);
  });

  it("error_5_user_authorization_failed.json: the channel is disconnected (token_revoked) and the reply waits", async () => {
    const { channel, messageId } = await queuedReply("После отзыва ключа");
    vkFake.enqueue("messages.send", vkError("error_5_user_authorization_failed.json"));
    await deliverDueSends();
    expect(await channelRow(channel.id)).toMatchObject({ status: "disconnected", statusReason: "token_revoked" });
    expect((await channelRow(channel.id)).providerError).toMatchObject({ code: 5, description: "User authorization failed: invalid access_token (4)." });
    expect(await db.select().from(channelIncidents).where(eq(channelIncidents.channelId, channel.id))).toHaveLength(1);
    expect(await messageRow(messageId)).toMatchObject({ deliveryStatus: "pending", failureReason: "connection_lost" });
    await deliverDueSends();
    expect(sendsOf("После отзыва ключа")).toHaveLength(1);
  });

  it("error_901_no_permission.json: only that message fails (messages_denied); the channel stays active", async () => {
    const { channel, messageId } = await queuedReply("Вы разрешили сообщения?");
    vkFake.enqueue("messages.send", vkError("error_901_no_permission.json"));
    await deliverDueSends();
    expect(await messageRow(messageId)).toMatchObject({ deliveryStatus: "failed", failureClass: "message_rejected", failureReason: "messages_denied" });
    expect((await sendRow(messageId)).status).toBe("failed");
    expect((await channelRow(channel.id)).status).toBe("active");
  });

  describe("with attachments", () => {
    const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
    /** The calls one delivery pass made, from `mark` on (tests in a file run one at a time). */
    const since = (mark: number) => vkFake.calls.slice(mark);
    // A scripted answer a failing test did not consume must not leak into the next one.
    afterEach(() => vkFake.reset());

    it("an image is uploaded with its exact bytes, saved, and sent as photo… with the text; a retry keeps the random_id", async () => {
      const bytes = randomBytes(4096);
      const { accessToken, messageId, randomId } = await queuedReply("Вот фото упаковки", [{ name: "box.png", mimeType: "image/png", data: bytes }]);
      vkFake.enqueue("messages.send", vkError("error_6_too_many_requests.json"));

      const sends: Record<string, string>[] = [];
      for (const attempt of [1, 2]) {
        const mark = vkFake.calls.length;
        if (attempt === 2) await db.update(outboundSends).set({ nextAttemptAt: new Date(Date.now() - 1000) }).where(eq(outboundSends.messageId, messageId));
        await deliverDueSends();
        const calls = since(mark);
        expect(calls.map((c) => c.method)).toEqual(["photos.getMessagesUploadServer", "upload:photo", "photos.saveMessagesPhoto", "messages.send"]);
        const [server, upload, save, send] = calls as [(typeof calls)[0], (typeof calls)[0], (typeof calls)[0], (typeof calls)[0]];
        expect(server.token).toBe(accessToken);
        expect(server.params).toMatchObject({ peer_id: "111222333" });
        // The bytes went to the upload server VK named (not to the API), under `photo`, without the token.
        expect(upload.token).toBeUndefined();
        expect(upload.params).toMatchObject({ peer_id: "111222333" });
        expect(upload.files?.photo).toEqual({ name: "box.png", type: "image/png", size: 4096, sha256: sha(bytes) });
        // The fake answers saveMessagesPhoto only for the server/photo/hash its upload server handed out.
        expect(save.token).toBe(accessToken);
        expect(save.params).toMatchObject({ server: expect.stringMatching(/^\d+$/), photo: expect.any(String), hash: expect.any(String) });
        expect(send.params).toMatchObject({ peer_id: "111222333", message: "Вот фото упаковки", random_id: String(randomId) });
        expect(send.params.attachment).toMatch(/^photo-229876543_\d+_[0-9a-f]+$/);
        sends.push(send.params);
        if (attempt === 1) expect(await sendRow(messageId)).toMatchObject({ status: "queued", lastErrorClass: "retry_later" });
      }
      expect(sends[0]!.random_id).toBe(sends[1]!.random_id);
      expect(await messageRow(messageId)).toMatchObject({ deliveryStatus: "sent", providerMessageId: `111222333:r${randomId}` });
    });

    it("a PDF goes through docs (getMessagesUploadServer, upload as `file`, docs.save) and may be sent without text", async () => {
      const bytes = randomBytes(2500);
      const { messageId, randomId } = await queuedReply("", [{ name: "invoice-4512.pdf", mimeType: "application/pdf", data: bytes }]);
      const mark = vkFake.calls.length;
      await deliverDueSends();
      const calls = since(mark);
      expect(calls.map((c) => c.method)).toEqual(["docs.getMessagesUploadServer", "upload:doc", "docs.save", "messages.send"]);
      expect(calls[0]!.params).toMatchObject({ type: "doc", peer_id: "111222333" });
      expect(calls[1]!.files?.file).toEqual({ name: "invoice-4512.pdf", type: "application/pdf", size: 2500, sha256: sha(bytes) });
      expect(calls[2]!.params).toMatchObject({ file: expect.any(String), title: "invoice-4512.pdf" });
      expect(calls[3]!.params).toMatchObject({ peer_id: "111222333", message: "", random_id: String(randomId) });
      expect(calls[3]!.params.attachment).toMatch(/^doc-229876543_\d+$/);
      expect(await messageRow(messageId)).toMatchObject({ deliveryStatus: "sent" });
    });

    it("an image and a file go in one messages.send, comma-separated, in the operator's order", async () => {
      const { messageId } = await queuedReply("Фото и счёт", [
        { name: "label.jpg", mimeType: "image/jpeg", data: randomBytes(1000) },
        { name: "invoice.pdf", mimeType: "application/pdf", data: randomBytes(1000) },
      ]);
      const mark = vkFake.calls.length;
      await deliverDueSends();
      const sent = since(mark).filter((c) => c.method === "messages.send");
      expect(sent).toHaveLength(1);
      expect(sent[0]!.params.attachment).toMatch(/^photo-229876543_\d+_[0-9a-f]+,doc-229876543_\d+$/);
      expect(await messageRow(messageId)).toMatchObject({ deliveryStatus: "sent" });
    });

    it("an image over 10 MB is refused (attachment_too_large) without any call to VK", async () => {
      const { channel, messageId } = await queuedReply("Большое фото", [{ name: "huge.jpg", mimeType: "image/jpeg", data: Buffer.alloc(10 * 1024 * 1024 + 1) }], { raw: true });
      const mark = vkFake.calls.length;
      await deliverDueSends();
      expect(since(mark)).toEqual([]);
      expect(await messageRow(messageId)).toMatchObject({ deliveryStatus: "failed", failureClass: "message_rejected", failureReason: "attachment_too_large" });
      expect(await sendRow(messageId)).toMatchObject({ status: "failed", attempts: 1 });
      expect((await channelRow(channel.id)).status).toBe("active");
    });

    it("an upload server error is retried later with a fresh upload URL; nothing is sent until the upload succeeds", async () => {
      const bytes = randomBytes(800);
      const { messageId, randomId } = await queuedReply("Повтор загрузки", [{ name: "a.png", mimeType: "image/png", data: bytes }]);
      vkFake.enqueue("upload:photo", { error: "ERR_UPLOAD_FILE_NOT_UPLOADED", error_descr: "file not uploaded" });
      const mark = vkFake.calls.length;
      await deliverDueSends();
      expect(since(mark).map((c) => c.method)).toEqual(["photos.getMessagesUploadServer", "upload:photo"]);
      const waiting = await sendRow(messageId);
      expect(waiting).toMatchObject({ status: "queued", lastErrorClass: "retry_later" });
      expect(waiting.lastError).toMatchObject({ code: "upload_failed", description: "upload server: ERR_UPLOAD_FILE_NOT_UPLOADED: file not uploaded" });
      expect(await messageRow(messageId)).toMatchObject({ deliveryStatus: "pending", failureReason: "retrying" });

      await db.update(outboundSends).set({ nextAttemptAt: new Date(Date.now() - 1000) }).where(eq(outboundSends.id, waiting.id));
      const mark2 = vkFake.calls.length;
      await deliverDueSends();
      const retry = since(mark2);
      expect(retry.map((c) => c.method)).toEqual(["photos.getMessagesUploadServer", "upload:photo", "photos.saveMessagesPhoto", "messages.send"]);
      expect(retry[1]!.params.upload_id).not.toBe(since(mark)[1]!.params.upload_id);
      expect(retry[1]!.files?.photo?.sha256).toBe(sha(bytes));
      expect(retry[3]!.params.random_id).toBe(String(randomId));
      expect(await messageRow(messageId)).toMatchObject({ deliveryStatus: "sent" });
    });

    it("a VK refusal on the way (error_901_no_permission.json on docs.getMessagesUploadServer) is classified as for messages.send", async () => {
      const { channel, messageId } = await queuedReply("Счёт", [{ name: "invoice.pdf", mimeType: "application/pdf", data: randomBytes(100) }]);
      vkFake.enqueue("docs.getMessagesUploadServer", vkError("error_901_no_permission.json"));
      const mark = vkFake.calls.length;
      await deliverDueSends();
      expect(since(mark).map((c) => c.method)).toEqual(["docs.getMessagesUploadServer"]);
      expect(await messageRow(messageId)).toMatchObject({ deliveryStatus: "failed", failureClass: "message_rejected", failureReason: "messages_denied" });
      expect((await channelRow(channel.id)).status).toBe("active");
    });
  });
});

describe("VK webhook: shapes read leniently (issue 22)", () => {
  it("a message_new with explicit nulls and its date as digits reaches the inbox as a message", async () => {
    const { co, channel } = await vkCompany();
    const body = fixture("callback_message_new_text.json");
    const object = body.object as { message: Record<string, unknown> };
    const lenientBody = {
      ...withEventId(body),
      object: { message: { ...object.message, date: "1767225600", attachments: null, fwd_messages: null, geo: null, reply_message: null, random_id: null }, client_info: null },
    };
    await expectOk(await postVk(channel.id, lenientBody));
    const [event] = await eventsOf(channel.id);
    expect(event).toMatchObject({ eventType: "message_new", status: "processed" });
    const [message] = await messagesOf(channel.id);
    expect(message).toMatchObject({ direction: "inbound", text: "Здравствуйте! Где мой заказ №4512?", providerMessageId: "111222333:731", providerTimestamp: new Date(1767225600 * 1000) });
    const inbox = await callerFor({ id: co.operators[0]!.id, companyId: co.companyId, role: "operator" }).inbox.list({ filter: "open" });
    expect(inbox.filter((c) => c.provider === "vk").map((c) => c.preview)).toEqual(["Здравствуйте! Где мой заказ №4512?"]);
  });
});

