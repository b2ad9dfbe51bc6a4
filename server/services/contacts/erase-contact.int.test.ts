import { randomInt, randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "../../../db";
import { auditEvents, contactErasures, contactNotes, contacts, conversations, inboundEvents, messages, pendingEffects, postCommitJobs, storedFiles } from "../../../db/schema";
import { callerFor, postTelegramUpdate, seedTestCompany } from "../../testing/factories";
import { postMeta, webhookCompany } from "../../testing/webhooks";
import { foldInboxCounts } from "../conversations/fold-inbox-counts";
import { storeFile } from "../files/store-file";
import { runContactErasure } from "./erase-contact";

type Company = Awaited<ReturnType<typeof seedTestCompany>>;
const admin = (co: Company) => callerFor({ id: co.admin.id, companyId: co.companyId, role: "admin" });
const operator = (co: Company) => callerFor({ id: co.operators[0]!.id, companyId: co.companyId, role: "operator" });

let updateId = randomInt(1, 1_000_000_000);
/** A customer's message through the real webhook path (raw event, contact, conversation, message, search words). */
async function customerWrites(co: Company, chat: { id: number; first_name: string; username: string }, text: string) {
  const res = await postTelegramUpdate(co.telegram.channelId, co.telegram.webhookSecret, {
    update_id: ++updateId,
    message: { message_id: updateId, date: Math.floor(Date.now() / 1000), chat: { ...chat, type: "private" }, from: { ...chat, is_bot: false }, text },
  });
  expect(res.status).toBe(200);
  const [row] = await db
    .select({ conversationId: messages.conversationId, messageId: messages.id, contactId: conversations.contactId })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .where(and(eq(messages.companyId, co.companyId), eq(messages.text, text)));
  return row!;
}

const SEARCHED_TYPES = ["text", "character varying", "jsonb", "json", "uuid", "bytea", "tsvector", "ARRAY"];

/** Every column of every table (pg-boss's included) that could hold an id or a text, and the rows holding any needle. */
async function findAnywhere(needles: string[]): Promise<string[]> {
  const columns = await db.execute<{ table_schema: string; table_name: string; column_name: string; data_type: string }>(sql`
    select c.table_schema, c.table_name, c.column_name, c.data_type
      from information_schema.columns c
      join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE'
     where c.table_schema not in ('pg_catalog', 'information_schema') and c.data_type in ${sql.raw(`(${SEARCHED_TYPES.map((x) => `'${x}'`).join(", ")})`)}`);
  expect(columns.length).toBeGreaterThan(50);
  const patterns = `array[${needles.map((n) => `'%${n.toLowerCase().replace(/'/g, "''")}%'`).join(", ")}]`;
  const bytesWhere = (col: string) => needles.map((n) => `position(convert_to('${n.replace(/'/g, "''")}', 'UTF8') in ${col}) > 0`).join(" or ");
  const found: string[] = [];
  for (const c of columns) {
    const col = `"${c.column_name}"`;
    // Bytes are searched as bytes (a file's content, a raw webhook body), everything else as its text.
    const where = c.data_type === "bytea" ? bytesWhere(col) : `lower(${col}::text) like any (${patterns})`;
    const [row] = await db.execute<{ n: number }>(sql.raw(`select count(*)::int as n from "${c.table_schema}"."${c.table_name}" where ${where}`));
    if (Number(row?.n) > 0) found.push(`${c.table_schema}.${c.table_name}.${c.column_name}`);
  }
  return found;
}

let metaTime = 1_767_225_600_000 + randomInt(1, 1_000_000) * 1000;
/** A Messenger customer's item through the real webhook path (stored, then processed). */
async function messengerItem(pageId: string, item: object) {
  const body = JSON.stringify({ object: "page", entry: [{ id: pageId, time: (metaTime += 1000), messaging: [{ timestamp: metaTime, ...item }] }] });
  const outcome = await postMeta(body, true);
  expect(outcome.response.status).toBe(200);
  await outcome.after?.();
}

/** The ids of the raw events whose payload or bytes contain the text. */
async function rawEventsContaining(text: string): Promise<string[]> {
  const rows = await db
    .select({ id: inboundEvents.id })
    .from(inboundEvents)
    .where(sql`${inboundEvents.payload}::text like ${`%${text}%`} or position(convert_to(${text}, 'UTF8') in ${inboundEvents.rawBody}) > 0`);
  return rows.map((r) => r.id).sort();
}

describe("contact erasure (GDPR)", () => {
  it("leaves nothing of the contact anywhere, keeps everyone else, and audits who and when without content", async () => {
    const co = await seedTestCompany("Erasure A");
    const countsBefore = await admin(co).inbox.counts();
    const tag = randomUUID().slice(0, 8);
    const secret = `Zebrafinch${tag} my card ends 4242`;
    const chat = { id: 6_000_000_000 + randomInt(1, 900_000_000), first_name: `Gretchen${tag}`, username: `gretchen_${tag}` };
    const other = { id: 6_000_000_000 + randomInt(1, 900_000_000), first_name: `Otto${tag}`, username: `otto_${tag}` };
    const kept = `Kiwi${tag} please keep me`;

    const first = await customerWrites(co, chat, secret);
    const otherMsg = await customerWrites(co, other, kept);
    // An operator's reply with a file (a send job waiting), a read mark, a ban (the channel's history names the
    // contact), a dead letter and effects waiting for messages that never came, a post-commit job.
    await admin(co).inbox.markRead({ conversationId: first.conversationId });
    const file = await storeFile(db, co.companyId, { name: `invoice-${tag}.pdf`, mimeType: "application/pdf", data: Buffer.from(`%PDF invoice for Gretchen${tag}`) });
    await admin(co).inbox.reply({ conversationId: first.conversationId, text: `Dear Gretchen${tag}, here it is`, fileIds: [file.id] });
    await admin(co).inbox.setBanned({ conversationId: first.conversationId, banned: true });
    await admin(co).inbox.setBanned({ conversationId: first.conversationId, banned: false });
    await db.insert(inboundEvents).values({
      provider: "telegram",
      companyId: co.companyId,
      channelId: co.telegram.channelId,
      dedupeKey: `erasure-test:${randomUUID()}`,
      eventType: "message",
      payload: { message: { chat: { id: chat.id }, text: secret } },
      rawBody: Buffer.from(JSON.stringify({ text: secret })),
      status: "failed",
      failureReason: "unsupported_shape",
      orderKey: `${co.telegram.channelId}:${chat.id}`,
    });
    await db.insert(pendingEffects).values([
      { companyId: co.companyId, channelId: co.telegram.channelId, target: `${chat.id}:999999`, effect: { kind: "edit", text: secret, editedAt: new Date().toISOString() } },
      { companyId: co.companyId, channelId: co.telegram.channelId, target: `watermark:${chat.id}`, effect: { kind: "watermark", chatId: String(chat.id), status: "read", watermark: "1" } },
    ]);
    await db.insert(postCommitJobs).values({ companyId: co.companyId, name: "fill-contact-profiles", payload: { messageIds: [first.messageId] }, failedAt: new Date() });

    // Only admins of the company may ask.
    await expect(operator(co).inbox.eraseContact({ conversationId: first.conversationId })).rejects.toMatchObject({ code: "FORBIDDEN" });
    const outsider = await seedTestCompany("Erasure B");
    await expect(admin(outsider).inbox.eraseContact({ conversationId: first.conversationId })).rejects.toMatchObject({ code: "NOT_FOUND" });

    const ids = { contact: first.contactId, conversation: first.conversationId, message: first.messageId, file: file.id };
    const needles = [...Object.values(ids), String(chat.id), `Zebrafinch${tag}`, `Gretchen${tag}`, `gretchen_${tag}`];
    expect((await findAnywhere(needles)).length).toBeGreaterThan(8); // the search sees what is there

    const requested = await admin(co).inbox.eraseContact({ conversationId: first.conversationId });
    expect(requested.status).toBe("queued");
    // Asking twice is the same request.
    expect((await admin(co).inbox.eraseContact({ conversationId: first.conversationId })).id).toBe(requested.id);
    await expect(admin(outsider).inbox.erasure({ erasureId: requested.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    // The customer writes again before the job runs: that goes too.
    const late = await customerWrites(co, chat, `Zebrafinch${tag} one more thing`);
    expect(late.contactId).toBe(first.contactId);

    // A run that dies after its first batch (one message per batch) is carried on by the next.
    let batches = 0;
    await expect(
      runContactErasure(requested.id, {
        db,
        batchSize: 1,
        afterBatch: async () => {
          if (++batches === 1) throw new Error("process stopped");
        },
      }),
    ).rejects.toThrow("process stopped");
    expect((await admin(co).inbox.erasure({ erasureId: requested.id })).status).toBe("running");
    expect(await runContactErasure(requested.id, { db, batchSize: 1 })).toEqual({ status: "done" });

    const done = await admin(co).inbox.erasure({ erasureId: requested.id });
    expect(done).toMatchObject({ status: "done", files: 1, rawEvents: 3 });
    expect(done.messages).toBeGreaterThanOrEqual(4); // two from the customer, the reply, the ban notes
    expect(await findAnywhere(needles)).toEqual([]);
    // A second run finds nothing to do.
    expect(await runContactErasure(requested.id, { db })).toEqual({ status: "done" });

    // Everyone else is untouched: the other contact, their message, raw event and search words, the company's
    // other conversations; and the counts are exact again.
    expect(await db.select({ id: messages.id }).from(messages).where(eq(messages.id, otherMsg.messageId))).toHaveLength(1);
    expect(await db.select({ id: contacts.id }).from(contacts).where(eq(contacts.id, otherMsg.contactId))).toHaveLength(1);
    expect(
      await db
        .select({ id: inboundEvents.id })
        .from(inboundEvents)
        .where(eq(inboundEvents.orderKey, `${co.telegram.channelId}:${other.id}`)),
    ).toHaveLength(1);
    expect((await admin(co).inbox.list({ q: `Kiwi${tag}` })).map((c) => c.id)).toEqual([otherMsg.conversationId]);
    expect((await admin(co).inbox.list({ q: `Zebrafinch${tag}` })).length).toBe(0);
    await foldInboxCounts(db);
    const countsAfter = await admin(co).inbox.counts();
    expect(countsAfter).toEqual({ ...countsBefore, new: countsBefore.new + 1 }); // the other contact's conversation
    expect(await db.select({ id: storedFiles.id }).from(storedFiles).where(eq(storedFiles.id, file.id))).toHaveLength(0);

    // The audit log: who asked, and when it was done; no names or text.
    const audit = await admin(co).inbox.auditEvents();
    expect(audit.map((a) => [a.action, a.actorUserId, a.subjectId])).toEqual([
      ["contact.erased", co.admin.id, requested.id],
      ["contact.erasure_requested", co.admin.id, requested.id],
    ]);
    await expect(operator(co).inbox.auditEvents()).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await db.select().from(auditEvents).where(eq(auditEvents.companyId, outsider.companyId))).toEqual([]);
    const [row] = await db.select().from(contactErasures).where(eq(contactErasures.id, requested.id));
    expect(row!.contactId).toBeNull();
  });

  it("Messenger: erases an edit waiting for a message that never came, and the channel's raw events tied to no chat that name the customer", async () => {
    const hc = await webhookCompany();
    const co = hc.co;
    const tag = randomUUID().slice(0, 8);
    const psid = String(10 ** 14 + randomInt(1, 2 ** 46));
    const from = { sender: { id: psid }, recipient: { id: hc.meta.pageId } };
    await messengerItem(hc.meta.pageId, { ...from, message: { mid: `m_first_${tag}`, text: `Platypus${tag} hello` } });
    // An edit and a delivery receipt for messages that never arrive: kept under their mids, which name no chat.
    await messengerItem(hc.meta.pageId, { ...from, message_edit: { mid: `m_never_${tag}`, text: `Wombat${tag} my new address`, num_edit: 1 } });
    await messengerItem(hc.meta.pageId, { ...from, delivery: { mids: [`m_unsent_${tag}`], watermark: metaTime } });
    const waiting = await db.select({ target: pendingEffects.target, chatId: pendingEffects.chatId }).from(pendingEffects).where(eq(pendingEffects.channelId, hc.meta.pageChannelId));
    expect(waiting.filter((w) => w.target.includes(tag)).sort((a, b) => a.target.localeCompare(b.target))).toEqual([
      { target: `m_never_${tag}`, chatId: psid },
      { target: `m_unsent_${tag}`, chatId: psid },
    ]);
    const [conversation] = await db
      .select({ id: conversations.id, contactId: conversations.contactId })
      .from(conversations)
      .innerJoin(contacts, eq(contacts.id, conversations.contactId))
      .where(and(eq(contacts.channelId, hc.meta.pageChannelId), eq(contacts.externalId, psid)));

    // Raw events tied to no chat: a dead letter stored with no stream, the account stream's event kept as bytes.
    const unchatted = (channelId: string, orderKey: string | null, fields: Partial<typeof inboundEvents.$inferInsert>) => ({
      provider: "messenger" as const,
      companyId: co.companyId,
      channelId,
      dedupeKey: `erasure-test:${randomUUID()}`,
      eventType: "messaging",
      status: "failed" as const,
      failureReason: "unsupported_shape",
      orderKey,
      ...fields,
    });
    await db.insert(inboundEvents).values([
      unchatted(hc.meta.pageChannelId, null, { payload: { entry: [{ messaging: [{ sender: { id: psid }, message: { text: `Wallaby${tag} call me` } }] }] } }),
      unchatted(hc.meta.pageChannelId, `${hc.meta.pageChannelId}:*`, { payload: null, rawBody: Buffer.from(`{"sender":{"id":"${psid}"},"text":"Wallaby${tag} \u0000"}`) }),
    ]);
    // Kept: events of the channel naming other ids that merely contain the customer's digits, and the same id on
    // another channel (the erasure is bounded to the contact's channel).
    const keptIds = (
      await db
        .insert(inboundEvents)
        .values([
          unchatted(hc.meta.pageChannelId, null, { payload: { sender: { id: `${psid}1` }, timestamp: Number(`${psid}2`) } }),
          unchatted(hc.meta.pageChannelId, `${hc.meta.pageChannelId}:*`, { payload: null, rawBody: Buffer.from(`{"sender":{"id":"9${psid}"}}`) }),
          unchatted(hc.meta.igChannelId, `${hc.meta.igChannelId}:*`, { payload: { sender: { id: psid } } }),
        ])
        .returning({ id: inboundEvents.id })
    ).map((r) => r.id);

    const needles = [conversation!.id, conversation!.contactId, `Platypus${tag}`, `Wombat${tag}`, `Wallaby${tag}`, `m_never_${tag}`, `m_unsent_${tag}`];
    expect((await findAnywhere(needles)).length).toBeGreaterThan(4);
    const requested = await admin(co).inbox.eraseContact({ conversationId: conversation!.id });
    expect(await runContactErasure(requested.id, { db })).toEqual({ status: "done" });
    expect(await findAnywhere(needles)).toEqual([]);
    expect(await rawEventsContaining(psid)).toEqual(keptIds.sort());
    expect(await db.select().from(pendingEffects).where(and(eq(pendingEffects.channelId, hc.meta.pageChannelId), eq(pendingEffects.chatId, psid)))).toEqual([]);
    const done = await admin(co).inbox.erasure({ erasureId: requested.id });
    expect(done).toMatchObject({ status: "done", contacts: 1, rawEvents: 5 }); // 3 of the chat, 2 tied to no chat
  });

  it("erases a person: every contact merged into it, on every channel, as one request (admins of the company only)", async () => {
    const hc = await webhookCompany();
    const co = hc.co;
    const tag = randomUUID().slice(0, 8);
    const chat = { id: 6_000_000_000 + randomInt(1, 900_000_000), first_name: `Ingrid${tag}`, username: `ingrid_${tag}` };
    const tg = await customerWrites(co, chat, `Narwhal${tag} on Telegram`);
    const psid = String(10 ** 14 + randomInt(1, 2 ** 46));
    await messengerItem(hc.meta.pageId, { sender: { id: psid }, recipient: { id: hc.meta.pageId }, message: { mid: `m_p_${tag}`, text: `Narwhal${tag} on Messenger` } });
    const [fb] = await db
      .select({ conversationId: conversations.id, contactId: conversations.contactId })
      .from(conversations)
      .innerJoin(contacts, eq(contacts.id, conversations.contactId))
      .where(and(eq(contacts.channelId, hc.meta.pageChannelId), eq(contacts.externalId, psid)));
    const stranger = await customerWrites(co, { id: 6_000_000_000 + randomInt(1, 900_000_000), first_name: `Stranger${tag}`, username: `stranger_${tag}` }, `Okapi${tag} keep me`);
    await admin(co).contacts.merge({ contactId: tg.contactId, otherContactId: fb!.contactId });
    await admin(co).contacts.addNote({ contactId: fb!.contactId, text: `Narwhal${tag} prefers mornings` });
    // The thread tells the admin how many contacts the person has.
    expect((await admin(co).inbox.thread({ conversationId: tg.conversationId })).contact.personContacts).toBe(2);
    expect((await admin(co).inbox.thread({ conversationId: stranger.conversationId })).contact.personContacts).toBe(1);

    await expect(operator(co).inbox.erasePerson({ conversationId: tg.conversationId })).rejects.toMatchObject({ code: "FORBIDDEN" });
    const outsider = await seedTestCompany("Erasure person B");
    await expect(admin(outsider).inbox.erasePerson({ conversationId: tg.conversationId })).rejects.toMatchObject({ code: "NOT_FOUND" });

    const needles = [tg.contactId, tg.conversationId, fb!.contactId, fb!.conversationId, String(chat.id), psid, `Narwhal${tag}`, `Ingrid${tag}`, `ingrid_${tag}`, `m_p_${tag}`];
    expect((await findAnywhere(needles)).length).toBeGreaterThan(6);
    // One contact's erasure already asked for joins the person's request.
    const single = await admin(co).inbox.eraseContact({ conversationId: fb!.conversationId });
    const requested = await admin(co).inbox.erasePerson({ conversationId: tg.conversationId });
    expect(requested).toMatchObject({ status: "queued", contacts: 2 });
    // Asking twice is the same request.
    expect((await admin(co).inbox.erasePerson({ conversationId: fb!.conversationId })).id).toBe(requested.id);
    await expect(admin(outsider).inbox.erasure({ erasureId: requested.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    const rows = await db.select().from(contactErasures).where(eq(contactErasures.requestId, requested.id));
    expect(rows.map((r) => r.contactId).sort()).toEqual([tg.contactId, fb!.contactId].sort());
    expect(rows.map((r) => r.id)).toContain(single.id);

    // Each contact's erasure runs on its own (the job's unit); the request is seen as one.
    expect(await runContactErasure(rows[0]!.id, { db })).toEqual({ status: "done" });
    expect(await admin(co).inbox.erasure({ erasureId: requested.id })).toMatchObject({ status: "running", contacts: 2, finishedAt: null });
    expect(await runContactErasure(rows[1]!.id, { db })).toEqual({ status: "done" });
    const done = await admin(co).inbox.erasure({ erasureId: requested.id });
    expect(done).toMatchObject({ status: "done", contacts: 2, failed: 0 });
    expect(done.messages).toBeGreaterThanOrEqual(2);
    expect(done.rawEvents).toBeGreaterThanOrEqual(2);
    expect(await findAnywhere(needles)).toEqual([]);
    expect(await db.select().from(contactNotes).where(eq(contactNotes.companyId, co.companyId))).toEqual([]);
    expect(await db.select({ id: contacts.id }).from(contacts).where(eq(contacts.id, stranger.contactId))).toHaveLength(1);
    expect((await admin(co).inbox.list({ q: `Okapi${tag}` })).map((c) => c.id)).toEqual([stranger.conversationId]);

    // The audit log: the merge, the person's request once, each contact's erasure when done; ids only.
    const audit = await admin(co).inbox.auditEvents();
    expect(audit.map((a) => [a.action, a.actorUserId, a.subjectId])).toEqual([
      ["contact.erased", co.admin.id, rows[1]!.id],
      ["contact.erased", co.admin.id, rows[0]!.id],
      ["person.erasure_requested", co.admin.id, requested.id],
      ["contact.erasure_requested", co.admin.id, single.id],
      // The merge stays audited, naming the erasure of the contact that joined instead of the contact.
      ["contact.merged", co.admin.id, single.id],
    ]);
  });
});
