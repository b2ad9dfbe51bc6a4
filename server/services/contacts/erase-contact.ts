import { randomUUID } from "node:crypto";
import { and, desc, eq, inArray, or, sql } from "drizzle-orm";
import type { Database, DbOrTx } from "../../../db";
import {
  auditEvents,
  channelHistory,
  contactErasures,
  contacts,
  conversations,
  conversationTermBacklog,
  inboundEvents,
  messages,
  pendingEffects,
  postCommitJobs,
  type Attachment,
  type AuditAction,
  type ContactErasureStatus,
} from "../../../db/schema";
import { forbidden, notFound } from "../../errors";
import { logger } from "../../log";
import { wakeContactErasure } from "../../queue/contact-erasure-wake";
import { publishToCompany } from "../../realtime/publish";
import type { ServiceContext } from "../context";
import { deleteStoredFiles, removePendingObjectDeletions } from "../files/delete-stored-files";
import { lockCompanyPersons } from "./merge-contacts";

/** Messages erased per transaction: a contact with years of history never makes one long transaction. */
export const ERASURE_BATCH_SIZE = 500;
/** Attempts before an erasure that keeps failing (the database, a crash each time) is given up as failed. */
export const ERASURE_MAX_ATTEMPTS = 5;

/** Raw events tied to no chat searched for the contact's id per statement (outside the final transaction). */
export const UNCHATTED_EVENTS_BATCH = 1_000;

/** One contact's erasure, or a person's (every contact of the person, `contacts` of them, counts summed). */
export type ContactErasure = {
  id: string;
  contacts: number;
  /** Of those, how many failed. */
  failed: number;
  status: ContactErasureStatus;
  messages: number;
  files: number;
  rawEvents: number;
  createdAt: Date;
  finishedAt: Date | null;
};

const jsonParam = (value: unknown) => sql`${JSON.stringify(value)}::jsonb`;

function requireAdmin(ctx: ServiceContext): string {
  if (ctx.actor.kind !== "user" || ctx.actor.role !== "admin") throw forbidden();
  return ctx.actor.userId;
}

const audit = (db: DbOrTx, row: { companyId: string; actorUserId: string | null; action: AuditAction; subjectId: string }) => db.insert(auditEvents).values(row);

type ErasureRow = typeof contactErasures.$inferSelect;

const view = (r: ErasureRow): ContactErasure => ({
  id: r.id,
  contacts: 1,
  failed: r.status === "failed" ? 1 : 0,
  status: r.status,
  messages: r.messages,
  files: r.files,
  rawEvents: r.rawEvents,
  createdAt: r.createdAt,
  finishedAt: r.finishedAt,
});

/** A person's erasure as one: under way while any contact's is, failed when one failed, done when all are. */
function personView(id: string, rows: ErasureRow[]): ContactErasure {
  const unfinished = rows.some((r) => r.status === "queued" || r.status === "running");
  const started = rows.some((r) => r.status !== "queued");
  const status: ContactErasureStatus = unfinished ? (started ? "running" : "queued") : rows.some((r) => r.status === "failed") ? "failed" : "done";
  const sum = (k: "messages" | "files" | "rawEvents") => rows.reduce((n, r) => n + r[k], 0);
  return {
    id,
    contacts: rows.length,
    failed: rows.filter((r) => r.status === "failed").length,
    status,
    messages: sum("messages"),
    files: sum("files"),
    rawEvents: sum("rawEvents"),
    createdAt: new Date(Math.min(...rows.map((r) => r.createdAt.getTime()))),
    finishedAt: unfinished ? null : new Date(Math.max(...rows.map((r) => (r.finishedAt ?? r.updatedAt).getTime()))),
  };
}

/**
 * An admin asks to erase the contact of a conversation (a GDPR erasure request): everything of the contact —
 * their conversations and messages (replies included), files, raw webhook events, pending effects, send jobs,
 * search words, read marks and the contact itself — is deleted by a durable job (server/jobs/contact-erasures.ts).
 * The audit log records who asked and when, and later when it was done; never whom or what. Asking again while an
 * erasure of the contact is under way returns that one.
 */
export async function requestContactErasure({
  ctx,
  input,
}: {
  ctx: ServiceContext & { db: Database };
  input: { conversationId: string };
}): Promise<ContactErasure> {
  const actorUserId = requireAdmin(ctx);
  const [conversation] = await ctx.db
    .select({ contactId: conversations.contactId })
    .from(conversations)
    .where(and(eq(conversations.id, input.conversationId), eq(conversations.companyId, ctx.companyId)));
  if (!conversation) throw notFound("conversation");
  const row = await ctx.db.transaction(async (tx) => {
    // One request at a time per contact: the contact's row is held while the request is written.
    await tx.select({ id: contacts.id }).from(contacts).where(eq(contacts.id, conversation.contactId)).for("update");
    const [running] = await tx
      .select()
      .from(contactErasures)
      .where(and(eq(contactErasures.contactId, conversation.contactId), eq(contactErasures.companyId, ctx.companyId), inArray(contactErasures.status, ["queued", "running"])));
    if (running) return running;
    const [created] = await tx.insert(contactErasures).values({ companyId: ctx.companyId, contactId: conversation.contactId, requestedBy: actorUserId }).returning();
    await audit(tx, { companyId: ctx.companyId, actorUserId, action: "contact.erasure_requested", subjectId: created!.id });
    return created!;
  });
  await wakeContactErasure(row.id);
  return view(row);
}

/**
 * An admin asks to erase a person (GDPR): every contact merged into the person of the conversation's contact, on
 * every channel. One contact_erasures row per contact, sharing a request id: each is carried out on its own by the
 * same durable job as one contact's erasure (its batches, its chat's lock, its retries), and the request is
 * watched as one. The audit log records the request once (its id), and each contact's row when it is done. Merges
 * and splits wait while the request is written (the company's person lock), so it covers the person's contacts
 * as they are. Contacts already being erased join the request; asking again while it is under way returns it.
 */
export async function requestPersonErasure({
  ctx,
  input,
}: {
  ctx: ServiceContext & { db: Database };
  input: { conversationId: string };
}): Promise<ContactErasure> {
  const actorUserId = requireAdmin(ctx);
  const [conversation] = await ctx.db
    .select({ contactId: conversations.contactId })
    .from(conversations)
    .where(and(eq(conversations.id, input.conversationId), eq(conversations.companyId, ctx.companyId)));
  if (!conversation) throw notFound("conversation");
  const { requestId, rows } = await ctx.db.transaction(async (tx) => {
    await lockCompanyPersons(tx, ctx.companyId);
    const [contact] = await tx
      .select({ personId: contacts.personId })
      .from(contacts)
      .where(and(eq(contacts.id, conversation.contactId), eq(contacts.companyId, ctx.companyId)));
    if (!contact) throw notFound("conversation");
    const members = (
      await tx
        .select({ id: contacts.id })
        .from(contacts)
        .where(and(eq(contacts.companyId, ctx.companyId), eq(contacts.personId, contact.personId)))
        .orderBy(contacts.createdAt, contacts.id)
        .for("update")
    ).map((c) => c.id);
    const running = await tx
      .select()
      .from(contactErasures)
      .where(and(eq(contactErasures.companyId, ctx.companyId), inArray(contactErasures.contactId, members), inArray(contactErasures.status, ["queued", "running"])));
    const previous = running[0]?.requestId;
    if (previous && running.length === members.length && running.every((r) => r.requestId === previous)) {
      return { requestId: previous, rows: await tx.select().from(contactErasures).where(and(eq(contactErasures.requestId, previous), eq(contactErasures.companyId, ctx.companyId))) };
    }
    const joined = running.filter((r) => r.requestId === null).map((r) => r.id);
    const covered = new Set(running.map((r) => r.contactId));
    const missing = members.filter((m) => !covered.has(m));
    if (previous && joined.length === 0 && missing.length === 0) {
      // Every contact is being erased already, by requests made before a merge: the first one stands for it.
      return { requestId: previous, rows: await tx.select().from(contactErasures).where(and(eq(contactErasures.requestId, previous), eq(contactErasures.companyId, ctx.companyId))) };
    }
    const id = randomUUID();
    if (joined.length) await tx.update(contactErasures).set({ requestId: id, updatedAt: new Date() }).where(and(inArray(contactErasures.id, joined), eq(contactErasures.companyId, ctx.companyId)));
    if (missing.length) await tx.insert(contactErasures).values(missing.map((contactId) => ({ companyId: ctx.companyId, contactId, requestId: id, requestedBy: actorUserId })));
    await audit(tx, { companyId: ctx.companyId, actorUserId, action: "person.erasure_requested", subjectId: id });
    return { requestId: id, rows: await tx.select().from(contactErasures).where(and(eq(contactErasures.requestId, id), eq(contactErasures.companyId, ctx.companyId))) };
  });
  for (const r of rows) if (r.status === "queued" || r.status === "running") await wakeContactErasure(r.id);
  return personView(requestId, rows);
}

/** An erasure's progress, one contact's or a person's (admins: the one who asked watches it finish). */
export async function getContactErasure({ ctx, input }: { ctx: ServiceContext; input: { erasureId: string } }): Promise<ContactErasure> {
  requireAdmin(ctx);
  const rows = await ctx.db
    .select()
    .from(contactErasures)
    .where(and(or(eq(contactErasures.id, input.erasureId), eq(contactErasures.requestId, input.erasureId)), eq(contactErasures.companyId, ctx.companyId)));
  const own = rows.find((r) => r.id === input.erasureId);
  if (own) return view(own);
  if (rows.length === 0) throw notFound("erasure");
  return personView(input.erasureId, rows);
}

/** The company's audit log, newest first (admins): who did what and when, with no content. */
export async function listAuditEvents({ ctx, input }: { ctx: ServiceContext; input: { limit?: number } }) {
  requireAdmin(ctx);
  return ctx.db
    .select({ id: auditEvents.id, action: auditEvents.action, actorUserId: auditEvents.actorUserId, subjectId: auditEvents.subjectId, createdAt: auditEvents.createdAt })
    .from(auditEvents)
    .where(eq(auditEvents.companyId, ctx.companyId))
    .orderBy(desc(auditEvents.createdAt), desc(auditEvents.id))
    .limit(input.limit ?? 50);
}

/** Erasures not finished (queued, or running when a process stopped): what a starting job runner carries on. */
export async function unfinishedContactErasures(db: Database, opts: { queuedOnly?: boolean } = {}): Promise<string[]> {
  const rows = await db
    .select({ id: contactErasures.id })
    .from(contactErasures)
    .where(inArray(contactErasures.status, opts.queuedOnly ? ["queued"] : ["queued", "running"]))
    .orderBy(contactErasures.createdAt);
  return rows.map((r) => r.id);
}

/** Provider keys a pending effect may wait under for these messages (their provider ids and parts). */
const providerKeys = (rows: { providerMessageId: string | null; providerPartIds: string[] }[]) =>
  rows.flatMap((r) => [...(r.providerMessageId ? [r.providerMessageId] : []), ...r.providerPartIds]);
const fileIdsOf = (rows: { attachments: Attachment[] }[]) => rows.flatMap((r) => r.attachments.flatMap((a) => (a.fileId ? [a.fileId] : [])));

/** Post-commit jobs (attachment fetches, profile lookups, realtime publishes) that name any of these messages. */
function deleteJobsOfMessages(tx: DbOrTx, companyId: string, messageIds: string[]) {
  if (messageIds.length === 0) return Promise.resolve();
  return tx.delete(postCommitJobs).where(
    and(
      eq(postCommitJobs.companyId, companyId),
      sql`exists (select 1 from jsonb_array_elements_text(coalesce(${postCommitJobs.payload}->'messageIds', '[]'::jsonb)) m
                   where m in (select jsonb_array_elements_text(${jsonParam(messageIds)})))`,
    ),
  );
}

/**
 * A raw event tied to no chat (read through inbound_events_unchatted_idx: the predicate repeats the index's) that
 * names this chat id: as a value anywhere in its payload (a string, or the number a Telegram or VK id is sent
 * as), or as a whole token in a body kept as raw bytes. A value, not a substring: another id or a timestamp that
 * merely contains the digits does not match.
 */
function unchattedNaming(externalId: string) {
  const vars = { id: externalId, n: /^-?[0-9]{1,16}$/.test(externalId) && Number.isSafeInteger(Number(externalId)) ? Number(externalId) : externalId };
  const token = `(^|[^0-9A-Za-z_-])${externalId.replace(/[^0-9A-Za-z_]/g, (c) => `\\${c}`)}($|[^0-9A-Za-z_])`;
  return sql`(${inboundEvents.orderKey} is null or right(${inboundEvents.orderKey}, 2) = ':*')
    and (jsonb_path_exists(${inboundEvents.payload}, 'strict $.** ? (@ == $id || @ == $n)', ${jsonParam(vars)})
         or (${inboundEvents.rawBody} is not null and encode(${inboundEvents.rawBody}, 'escape') ~ ${token}))`;
}

export type ContactErasureOutcome = { status: ContactErasureStatus | "missing" };

/**
 * Carries out one erasure. The contact's messages go first, a batch per transaction (with their files, the
 * pending effects waiting under their provider ids, their send and post-commit jobs); then, in one transaction
 * holding the chat's ingest lock (the advisory lock the ingest worker takes on "<channel id>:<chat id>", so no
 * event of the chat is being turned into a message meanwhile): the chat's raw events, what arrived since, the
 * conversations (their search words, read marks and counts follow through cascades and triggers), the chat's
 * pending watermarks, the contact's name in its channel's ban history and the contact. Idempotent: a run
 * interrupted anywhere is started again and finds only what is left. Throws when it should be retried.
 */
export async function runContactErasure(
  erasureId: string,
  deps: { db: Database; batchSize?: number; /** Called after each batch (tests interrupt a run here). */ afterBatch?: () => Promise<void> },
): Promise<ContactErasureOutcome> {
  const { db } = deps;
  const batchSize = deps.batchSize ?? ERASURE_BATCH_SIZE;
  const [row] = await db
    .update(contactErasures)
    .set({ status: "running", attempts: sql`${contactErasures.attempts} + 1`, updatedAt: new Date() })
    .where(and(eq(contactErasures.id, erasureId), inArray(contactErasures.status, ["queued", "running"])))
    .returning();
  if (!row) {
    const [done] = await db.select({ status: contactErasures.status }).from(contactErasures).where(eq(contactErasures.id, erasureId));
    return { status: done?.status ?? "missing" };
  }
  const { companyId } = row;
  const log = { companyId, erasureId, attempt: row.attempts };
  if (row.attempts > ERASURE_MAX_ATTEMPTS) {
    await db.update(contactErasures).set({ status: "failed", finishedAt: new Date(), updatedAt: new Date() }).where(eq(contactErasures.id, row.id));
    logger.warn("contacts.erasure_failed", log);
    return { status: "failed" };
  }
  const [contact] = row.contactId
    ? await db.select().from(contacts).where(and(eq(contacts.id, row.contactId), eq(contacts.companyId, companyId)))
    : [];
  if (!contact) {
    // Already gone (its channel was deleted, or an earlier attempt ended just before recording it).
    await db.transaction(async (tx) => {
      await tx.update(contactErasures).set({ status: "done", finishedAt: new Date(), updatedAt: new Date() }).where(eq(contactErasures.id, row.id));
      await audit(tx, { companyId, actorUserId: row.requestedBy, action: "contact.erased", subjectId: row.id });
    });
    return { status: "done" };
  }
  const chatKey = `${contact.channelId}:${contact.externalId}`;
  const conversationIdsOf = async (tx: DbOrTx) =>
    (
      await tx
        .select({ id: conversations.id })
        .from(conversations)
        .where(and(eq(conversations.contactId, contact.id), eq(conversations.companyId, companyId)))
    ).map((c) => c.id);
  const conversationIds = await conversationIdsOf(db);

  // 1. Messages, batch by batch.
  for (;;) {
    if (conversationIds.length === 0) break;
    const batch = await db
      .select({ id: messages.id, attachments: messages.attachments, providerMessageId: messages.providerMessageId, providerPartIds: messages.providerPartIds })
      .from(messages)
      .where(and(inArray(messages.conversationId, conversationIds), eq(messages.companyId, companyId)))
      .limit(batchSize);
    if (batch.length === 0) break;
    await db.transaction(async (tx) => {
      const ids = batch.map((m) => m.id);
      const files = await deleteStoredFiles(tx, companyId, fileIdsOf(batch));
      const keys = providerKeys(batch);
      if (keys.length) await tx.delete(pendingEffects).where(and(eq(pendingEffects.channelId, contact.channelId), eq(pendingEffects.companyId, companyId), inArray(pendingEffects.target, keys)));
      await deleteJobsOfMessages(tx, companyId, ids);
      const gone = await tx.delete(messages).where(and(inArray(messages.id, ids), eq(messages.companyId, companyId))).returning({ id: messages.id });
      await tx
        .update(contactErasures)
        .set({ messages: sql`${contactErasures.messages} + ${gone.length}`, files: sql`${contactErasures.files} + ${files}`, updatedAt: new Date() })
        .where(eq(contactErasures.id, row.id));
    });
    await deps.afterBatch?.();
  }

  // 2. The raw events of the chat, outside the lock (a chat may have many): the final step takes what came since.
  // Then the channel's events tied to no chat (its account stream, events stored with no stream: dead letters of
  // an unsupported shape, bodies kept as raw bytes) that name the contact's id, in batches.
  const deleteRawEvents = async (tx: DbOrTx) =>
    (
      await tx
        .delete(inboundEvents)
        .where(and(eq(inboundEvents.companyId, companyId), eq(inboundEvents.channelId, contact.channelId), eq(inboundEvents.orderKey, chatKey)))
        .returning({ id: inboundEvents.id })
    ).length;
  const deleteUnchattedEvents = async (tx: DbOrTx, limit: number | null) => {
    const naming = and(eq(inboundEvents.channelId, contact.channelId), eq(inboundEvents.companyId, companyId), unchattedNaming(contact.externalId));
    const where = limit === null ? naming : inArray(inboundEvents.id, tx.select({ id: inboundEvents.id }).from(inboundEvents).where(naming).limit(limit));
    return (await tx.delete(inboundEvents).where(where).returning({ id: inboundEvents.id })).length;
  };
  let rawEvents = await deleteRawEvents(db);
  for (;;) {
    const n = await deleteUnchattedEvents(db, UNCHATTED_EVENTS_BATCH);
    rawEvents += n;
    if (n < UNCHATTED_EVENTS_BATCH) break;
  }
  await db
    .update(contactErasures)
    .set({ rawEvents: sql`${contactErasures.rawEvents} + ${rawEvents}`, updatedAt: new Date() })
    .where(eq(contactErasures.id, row.id));

  // 3. The rest, at once, with the chat held.
  const allConversationIds = await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${chatKey}, 0))`);
    const ids = await conversationIdsOf(tx);
    const late = ids.length
      ? await tx
          .select({ id: messages.id, attachments: messages.attachments, providerMessageId: messages.providerMessageId, providerPartIds: messages.providerPartIds })
          .from(messages)
          .where(and(inArray(messages.conversationId, ids), eq(messages.companyId, companyId)))
      : [];
    const files = await deleteStoredFiles(tx, companyId, fileIdsOf(late));
    const keys = providerKeys(late);
    const raw = (await deleteRawEvents(tx)) + (await deleteUnchattedEvents(tx, null));
    // Effects waiting for the chat: every one its events left (chat_id: a Messenger / Instagram edit or receipt
    // keyed by a mid names no chat), and for rows kept before chat_id was recorded its read / delivery watermarks
    // and (Telegram "chat:message_id", VK "peer:cmid") edits and receipts for its messages.
    await tx.delete(pendingEffects).where(
      and(
        eq(pendingEffects.channelId, contact.channelId),
        eq(pendingEffects.companyId, companyId),
        sql`(${pendingEffects.target} = ${`watermark:${contact.externalId}`}
             or left(${pendingEffects.target}, ${contact.externalId.length + 1}::int) = ${`${contact.externalId}:`}
             or ${pendingEffects.chatId} = ${contact.externalId}
             or ${pendingEffects.effect}->>'chatId' = ${contact.externalId}
             ${keys.length ? sql`or ${pendingEffects.target} in (select jsonb_array_elements_text(${jsonParam(keys)}))` : sql``})`,
      ),
    );
    await deleteJobsOfMessages(
      tx,
      companyId,
      late.map((m) => m.id),
    );
    // Realtime publishes and profile lookups name the contact or its conversations.
    const named = [contact.id, ...ids];
    await tx.delete(postCommitJobs).where(
      and(eq(postCommitJobs.companyId, companyId), sql`${postCommitJobs.payload}::text like any (select '%' || x || '%' from jsonb_array_elements_text(${jsonParam(named)}) x)`),
    );
    if (ids.length) {
      await tx.delete(conversationTermBacklog).where(inArray(conversationTermBacklog.conversationId, ids));
      // Messages go with their conversations (cascade): their sends, search words and read marks with them.
      await tx.delete(conversations).where(and(inArray(conversations.id, ids), eq(conversations.companyId, companyId)));
    }
    // The channel's history named the contact when it was banned or unbanned: the entry stays, without the name.
    await tx
      .update(channelHistory)
      .set({ detail: sql`${channelHistory.detail} - 'contact'` })
      .where(
        and(
          eq(channelHistory.channelId, contact.channelId),
          eq(channelHistory.companyId, companyId),
          inArray(channelHistory.action, ["contact_banned", "contact_unbanned"]),
          sql`${channelHistory.detail}->>'contact' = ${contact.displayName}`,
        ),
      );
    // Merges and splits of the contact stay audited (who and when), now naming this erasure instead of the contact.
    await tx
      .update(auditEvents)
      .set({ subjectId: row.id })
      .where(and(eq(auditEvents.companyId, companyId), eq(auditEvents.subjectId, contact.id), inArray(auditEvents.action, ["contact.merged", "contact.split"])));
    await tx.delete(contacts).where(and(eq(contacts.id, contact.id), eq(contacts.companyId, companyId)));
    await tx
      .update(contactErasures)
      .set({
        status: "done",
        messages: sql`${contactErasures.messages} + ${late.length}`,
        files: sql`${contactErasures.files} + ${files}`,
        rawEvents: sql`${contactErasures.rawEvents} + ${raw}`,
        finishedAt: new Date(),
        updatedAt: new Date(),
      })
      .where(eq(contactErasures.id, row.id));
    await audit(tx, { companyId, actorUserId: row.requestedBy, action: "contact.erased", subjectId: row.id });
    return ids;
  });
  logger.info("contacts.erased", log);
  // The files' objects (object storage) go now that their rows are gone; the periodic pass retries any left.
  await removePendingObjectDeletions(db, { limit: 500 }).catch((error: unknown) => logger.warn("contacts.erase_objects_failed", { ...log, error }));
  // Screens showing the contact refetch (and find it gone).
  await publishToCompany(companyId, [{ name: "contact.updated", data: { contactId: contact.id, conversationIds: allConversationIds } }]).catch(() => undefined);
  return { status: "done" };
}
