import { and, desc, eq, inArray, isNull, lte, ne, or, sql } from "drizzle-orm";
import type { Tx } from "../../../db";
import { randomUUID } from "node:crypto";
import { channels, contacts, conversations, lines, messages, outboundSends } from "../../../db/schema";
import { catalog, localeForLanguageTag, translator } from "../../i18n";
import type { NormalizedEvent } from "../../channels/types";
import type { RealtimeEvent } from "../../realtime/channels";
import { markChannelDisconnected } from "../channels/mark-channel-disconnected";
import { applyThreadControl } from "../conversations/apply-thread-control";
import { routeNewConversation } from "../conversations/route-conversation";
import { keepPendingEffect, settlePendingEffects, type StoredMessage } from "./pending-effects";
import { sortKeyFor } from "./sort-key";

type Channel = typeof channels.$inferSelect;

type Contact = typeof contacts.$inferSelect;
type Conversation = typeof conversations.$inferSelect;
type Line = typeof lines.$inferSelect;

/**
 * What a batch of new messages reads and writes over and over, kept for the batch's transaction: live contacts
 * by channel + chat and open conversations by contact (read for the whole batch in one statement each, null when
 * known not to exist), lines, and the conversations' last-message times (written once per batch, in one
 * statement, the last message's values winning as they would one by one). Only new messages use it; any other
 * event first writes what waits and clears it, so edits, migrations, blocks and the rest read the database.
 */
export type ApplyCache = {
  contacts: Map<string, Contact | null>;
  open: Map<string, Conversation | null>;
  lines: Map<string, Line | undefined>;
  touched: Map<string, { lastMessageAt: Date; lastInboundAt: Date }>;
  /**
   * New messages waiting to be inserted together (one multi-row INSERT per run of new messages), with what follows
   * each once it is in: the stored record, the conversation's times, the realtime event (through `emit`). A
   * duplicate (same provider id, stored before or earlier in the run) is skipped as one by one.
   */
  pending: PendingMessage[];
  emit?: (companyId: string, event: RealtimeEvent) => void;
};

type PendingMessage = {
  row: typeof messages.$inferInsert & { id: string };
  stored: StoredMessage;
  companyId: string;
  touch?: { lastMessageAt: Date; lastInboundAt: Date };
  /** A customer's message in the inbox: who its conversation is assigned to (their browser notifies them). */
  assigneeId?: string | null;
};

const contactKey = (channelId: string, chatId: string) => `${channelId}\u0000${chatId}`;
/** A list as one jsonb parameter: the statement keeps one shape (prepared once) whatever the batch size. */
const jsonParam = (value: unknown) => sql`${JSON.stringify(value)}::jsonb`;

/** Reads the live contacts of these chats and their open conversations, two statements for the whole batch. */
export async function prefetchApplyCache(tx: Tx, chats: { channelId: string; chatId: string }[]): Promise<ApplyCache> {
  const cache: ApplyCache = { contacts: new Map(), open: new Map(), lines: new Map(), touched: new Map(), pending: [] };
  const wanted = new Map(chats.map((c) => [contactKey(c.channelId, c.chatId), { c: c.channelId, x: c.chatId }]));
  if (wanted.size === 0) return cache;
  const found = await tx
    .select()
    .from(contacts)
    .where(
      and(
        isNull(contacts.endedAt),
        sql`(${contacts.channelId}, ${contacts.externalId}) in (select v.c, v.x from jsonb_to_recordset(${jsonParam([...wanted.values()])}) as v(c uuid, x text))`,
      ),
    );
  for (const key of wanted.keys()) cache.contacts.set(key, null);
  for (const c of found) cache.contacts.set(contactKey(c.channelId, c.externalId), c);
  if (found.length === 0) return cache;
  const open = await tx
    .select()
    .from(conversations)
    .where(and(ne(conversations.status, "closed"), sql`${conversations.contactId} in (select jsonb_array_elements_text(${jsonParam(found.map((c) => c.id))})::uuid)`));
  for (const c of found) cache.open.set(c.id, null);
  for (const c of open) if (!cache.open.get(c.contactId)) cache.open.set(c.contactId, c);
  return cache;
}

/** Writes what the cache holds back (new messages, the conversations' last-message times) and forgets what it read. */
export async function flushApplyCache(tx: Tx, ctx: ApplyContext): Promise<void> {
  const cache = ctx.cache;
  if (!cache) return;
  if (cache.pending.length) {
    const pending = cache.pending;
    cache.pending = [];
    const inserted = await tx
      .insert(messages)
      .values(pending.map((p) => p.row))
      .onConflictDoNothing({ target: [messages.channelId, messages.providerMessageId] })
      .returning({ id: messages.id });
    const ids = new Set(inserted.map((m) => m.id));
    for (const p of pending) {
      if (!ids.has(p.row.id)) continue;
      ctx.stored.push(p.stored);
      if (p.touch) cache.touched.set(p.stored.conversationId, p.touch);
      cache.emit?.(p.companyId, { name: "message.created", data: { conversationId: p.stored.conversationId, messageId: p.row.id, ...(p.assigneeId !== undefined ? { assigneeId: p.assigneeId } : {}) } });
    }
  }
  if (cache.touched.size) {
    const rows = [...cache.touched].map(([id, t]) => ({ id, m: t.lastMessageAt, i: t.lastInboundAt }));
    cache.touched.clear();
    await tx.execute(sql`
      update ${conversations} as c set last_message_at = v.m, last_inbound_at = v.i
      from jsonb_to_recordset(${jsonParam(rows)}) as v(id uuid, m timestamptz, i timestamptz)
      where c.id = v.id`);
  }
  cache.contacts.clear();
  cache.open.clear();
}

async function findLiveContact(tx: Tx, channelId: string, chatId: string, cache?: ApplyCache) {
  const key = contactKey(channelId, chatId);
  const known = cache?.contacts.get(key);
  if (known !== undefined) return known ?? undefined;
  const [contact] = await tx
    .select()
    .from(contacts)
    .where(and(eq(contacts.channelId, channelId), eq(contacts.externalId, chatId), isNull(contacts.endedAt)))
    .limit(1);
  cache?.contacts.set(key, contact ?? null);
  return contact;
}

async function upsertContact(tx: Tx, channel: Channel, ev: Extract<NormalizedEvent, { kind: "message" }>, cache?: ApplyCache) {
  const existing = await findLiveContact(tx, channel.id, ev.chatId, cache);
  if (existing) {
    // Renames show on new messages only: the contact's name follows, old messages keep theirs.
    // So does their app language, when the provider says it (saved replies answer in it).
    const languageCode = ev.languageCode ?? existing.languageCode;
    if (existing.displayName !== ev.contactName || (ev.username && existing.username !== ev.username) || languageCode !== existing.languageCode) {
      const updatedAt = new Date();
      const changes = { displayName: ev.contactName, username: ev.username ?? existing.username, languageCode, updatedAt };
      await tx.update(contacts).set(changes).where(eq(contacts.id, existing.id));
      cache?.contacts.set(contactKey(channel.id, ev.chatId), { ...existing, ...changes });
    }
    return existing;
  }
  const [created] = await tx
    .insert(contacts)
    .values({ companyId: channel.companyId, channelId: channel.id, externalId: ev.chatId, displayName: ev.contactName, username: ev.username, chatKind: ev.chatKind, languageCode: ev.languageCode })
    .returning();
  cache?.contacts.set(contactKey(channel.id, ev.chatId), created!);
  cache?.open.set(created!.id, null);
  return created!;
}

/** F9: a new inbound message resumes the contact's open conversation on the channel's line, or starts one. */
async function openConversation(tx: Tx, channel: Channel, contactId: string, at: Date, cache?: ApplyCache) {
  const known = cache?.open.get(contactId);
  if (known) return { conversation: known, created: false };
  if (known === undefined) {
    const [open] = await tx
      .select()
      .from(conversations)
      .where(and(eq(conversations.contactId, contactId), ne(conversations.status, "closed")))
      .limit(1);
    if (open) {
      cache?.open.set(contactId, open);
      return { conversation: open, created: false };
    }
  }
  let line = channel.lineId ? cache?.lines.get(channel.lineId) : undefined;
  if (channel.lineId && !line) {
    line = (await tx.select().from(lines).where(eq(lines.id, channel.lineId)).limit(1))[0];
    if (line) cache?.lines.set(channel.lineId, line);
  }
  const [created] = await tx
    .insert(conversations)
    .values({ companyId: channel.companyId, lineId: channel.lineId, channelId: channel.id, contactId, status: "new", teamId: line?.defaultTeamId ?? null, lastMessageAt: at, lastInboundAt: at })
    .returning();
  // Routing: the line's default team, when its admin turned automatic routing on (else it waits in New).
  const conversation = await routeNewConversation(tx, created!);
  cache?.open.set(contactId, conversation);
  return { conversation, created: true };
}

/**
 * F7: where a banned contact's message is kept: their latest closed conversation (the one the ban closed, on its
 * line), so nothing is lost and nothing reaches the inbox; a closed one on the channel's line when they have none yet.
 */
async function bannedContactConversation(tx: Tx, channel: Channel, contactId: string, at: Date) {
  const [latest] = await tx
    .select()
    .from(conversations)
    .where(and(eq(conversations.contactId, contactId), eq(conversations.status, "closed")))
    .orderBy(desc(conversations.createdAt))
    .limit(1);
  if (latest) return { conversation: latest, created: false };
  const [created] = await tx
    .insert(conversations)
    .values({ companyId: channel.companyId, lineId: channel.lineId, channelId: channel.id, contactId, status: "closed", closedAt: at, lastMessageAt: at, lastInboundAt: at })
    .returning();
  return { conversation: created!, created: true };
}

/** Contact-level news (blocked, unblocked): every conversation of the contact shows it. */
async function contactUpdated(tx: Tx, contactId: string): Promise<RealtimeEvent> {
  const rows = await tx.select({ id: conversations.id }).from(conversations).where(eq(conversations.contactId, contactId));
  return { name: "contact.updated", data: { contactId, conversationIds: rows.map((r) => r.id) } };
}

/**
 * Where the events being applied sit in provider order (the thread sort key's tie-break within one instant),
 * and the messages stored so far in this transaction: effects that arrived before their message settle against
 * them once the batch is applied (settlePendingEffects).
 */
export type ApplyContext = { tiebreak: number; stored: StoredMessage[]; cache?: ApplyCache };

/**
 * Applies one webhook's normalized events inside the caller's transaction. Returns the realtime events to
 * publish after commit. Idempotent: a message already stored (same provider id) is not stored again. An edit or
 * receipt whose message is not stored yet is kept (pending_effects) and applied when the message arrives.
 * Without a context, pending effects settle before it returns.
 */
export async function applyNormalizedEvents(tx: Tx, channel: Channel, events: NormalizedEvent[], context?: ApplyContext): Promise<RealtimeEvent[]> {
  const ctx: ApplyContext = context ?? { tiebreak: 0, stored: [] };
  const out: RealtimeEvent[] = [];
  const cache = ctx.cache;
  for (const ev of events) {
    // Anything but a new message reads the database as it is: what the batch cache holds is written first.
    if (ev.kind !== "message") await flushApplyCache(tx, ctx);
    switch (ev.kind) {
      case "message": {
        const contact = await upsertContact(tx, channel, ev, cache);
        // (Provider times may be whole seconds: a message in the very second of the block counts as after it.)
        if (contact.blockedUsAt && contact.blockedUsAt.getTime() - 1000 < ev.sentAt.getTime()) {
          // The customer writes again: they no longer block the bot (Telegram says so only on the next update).
          await tx.update(contacts).set({ blockedUsAt: null, updatedAt: new Date() }).where(eq(contacts.id, contact.id));
          contact.blockedUsAt = null;
          out.push(await contactUpdated(tx, contact.id));
        }
        const text = ev.participantName ? `${ev.participantName}: ${ev.text}` : ev.text;
        const received = new Date();
        // F7: a banned contact's messages are kept, in their latest (closed) conversation, never in the inbox.
        const { conversation, created } = contact.bannedAt
          ? await bannedContactConversation(tx, channel, contact.id, received)
          : await openConversation(tx, channel, contact.id, received, cache);
        // Notifications: the people of its line and team hear of a new conversation (its first message follows).
        if (created && !contact.bannedAt) {
          out.push({ name: "conversation.created", data: { conversationId: conversation.id, lineId: conversation.lineId, teamId: conversation.teamId, assigneeId: conversation.assigneeId } });
        }
        const row = {
          companyId: channel.companyId,
          conversationId: conversation.id,
          channelId: channel.id,
          direction: "inbound",
          authorKind: "customer",
          authorName: ev.participantName ?? contact.displayName,
          text,
          attachments: ev.attachments,
          providerMessageId: ev.providerMessageId,
          deliveryStatus: "delivered",
          providerTimestamp: ev.sentAt,
          sortKey: sortKeyFor(ev.sentAt, ctx.tiebreak),
        } satisfies typeof messages.$inferInsert;
        const fetchable = ev.attachments.some((a) => Boolean(a.providerRef) && !a.fileId && !a.note && (a.kind === "image" || a.kind === "file"));
        const unsupported = ev.attachments.some((a) => a.note === "unsupported");
        if (cache?.emit && !unsupported) {
          // Inserted with the rest of this run of new messages (flushApplyCache), in this order.
          const id = randomUUID();
          cache.pending.push({
            row: { ...row, id },
            stored: { channelId: channel.id, messageId: id, conversationId: conversation.id, keys: [ev.providerMessageId], direction: "inbound", chatId: ev.chatId, sentAt: null, fetchable },
            companyId: channel.companyId,
            touch: contact.bannedAt ? undefined : { lastMessageAt: received, lastInboundAt: ev.sentAt },
            ...(contact.bannedAt ? {} : { assigneeId: conversation.assigneeId }),
          });
          break;
        }
        // A notice follows this one: what waits goes first, so the thread keeps its order.
        await flushApplyCache(tx, ctx);
        const [message] = await tx.insert(messages).values(row).onConflictDoNothing({ target: [messages.channelId, messages.providerMessageId] }).returning({ id: messages.id });
        if (!message) continue;
        ctx.stored.push({ channelId: channel.id, messageId: message.id, conversationId: conversation.id, keys: [ev.providerMessageId], direction: "inbound", chatId: ev.chatId, sentAt: null, fetchable });
        if (contact.bannedAt) {
          // Kept quietly: the conversation's times stay, and only a screen showing that thread refetches.
          out.push({ name: "message.created", data: { conversationId: conversation.id, messageId: message.id } });
          continue;
        }
        // Meta's reply windows count from when the customer wrote, not from when we processed it.
        if (cache) cache.touched.set(conversation.id, { lastMessageAt: received, lastInboundAt: ev.sentAt });
        else await tx.update(conversations).set({ lastMessageAt: received, lastInboundAt: ev.sentAt }).where(eq(conversations.id, conversation.id));
        out.push({ name: "message.created", data: { conversationId: conversation.id, messageId: message.id, assigneeId: conversation.assigneeId } });
        if (unsupported) {
          // F7: voice messages and calls are not supported, and the customer is told so, in their language.
          const customerLocale = localeForLanguageTag(ev.languageCode);
          const t = translator(catalog(customerLocale), customerLocale);
          const [notice] = await tx
            .insert(messages)
            .values({ companyId: channel.companyId, conversationId: conversation.id, channelId: channel.id, direction: "outbound", authorKind: "system", text: t("customer.unsupportedMedia") })
            .returning({ id: messages.id });
          await tx.insert(outboundSends).values({ companyId: channel.companyId, channelId: channel.id, messageId: notice!.id, idempotencyKey: randomUUID() });
          out.push({ name: "message.created", data: { conversationId: conversation.id, messageId: notice!.id } });
        }
        break;
      }
      case "message_edited": {
        const text = ev.participantName ? `${ev.participantName}: ${ev.text}` : ev.text;
        const [target] = await tx
          .select({ id: messages.id, conversationId: messages.conversationId, editedAt: messages.editedAt })
          .from(messages)
          .where(and(eq(messages.channelId, channel.id), eq(messages.providerMessageId, ev.providerMessageId)))
          .limit(1);
        if (!target) {
          // The edit came before its message (Telegram's parallel connections, Meta and VK retries): kept for it.
          await keepPendingEffect(tx, channel, ev.chatId, ev.providerMessageId, { kind: "edit", text, editedAt: ev.editedAt.toISOString() }, ctx.tiebreak);
          break;
        }
        // Edits apply in the order they were made, whatever order they are processed in.
        if (target.editedAt && target.editedAt > ev.editedAt) break;
        await tx.update(messages).set({ text, editedAt: ev.editedAt }).where(eq(messages.id, target.id));
        out.push({ name: "message.updated", data: { conversationId: target.conversationId, messageId: target.id } });
        break;
      }
      case "contact_blocked_us":
      case "contact_unblocked_us": {
        const contact = await findLiveContact(tx, channel.id, ev.chatId);
        if (!contact) break;
        await tx.update(contacts).set({ blockedUsAt: ev.kind === "contact_blocked_us" ? ev.at : null, updatedAt: new Date() }).where(eq(contacts.id, contact.id));
        // Live: the composer and the banner change on every screen showing the contact.
        out.push(await contactUpdated(tx, contact.id));
        break;
      }
      case "contact_ended": {
        await tx.update(contacts).set({ endedAt: ev.at, updatedAt: new Date() }).where(and(eq(contacts.channelId, channel.id), eq(contacts.externalId, ev.chatId), isNull(contacts.endedAt)));
        break;
      }
      case "echo": {
        // Our own sends are recorded by the send worker; echoes only confirm them. Instagram echoes carry no
        // app id, so a part of one of our multi-part sends is recognised by its id.
        if (ev.source === "us") break;
        const [ours] = await tx
          .select({ id: messages.id })
          .from(messages)
          .where(and(eq(messages.channelId, channel.id), sql`${messages.providerPartIds} @> ${JSON.stringify([ev.providerMessageId])}::jsonb`))
          .limit(1);
        if (ours) break;
        const contact = await findLiveContact(tx, channel.id, ev.chatId);
        if (!contact) break;
        const { conversation } = await openConversation(tx, channel, contact.id, ev.sentAt);
        const [message] = await tx
          .insert(messages)
          .values({
            companyId: channel.companyId,
            conversationId: conversation.id,
            channelId: channel.id,
            direction: "outbound",
            // A human answering in the provider's own inbox, or another app (the bot of F10).
            authorKind: ev.source === "other_app" ? "bot" : "operator",
            // No user of ours wrote it: the inbox labels it by where it was written (the provider's own inbox).
            authorName: null,
            text: ev.text,
            attachments: ev.attachments,
            providerMessageId: ev.providerMessageId,
            deliveryStatus: "sent",
            providerTimestamp: ev.sentAt,
            sentAt: ev.sentAt,
            sortKey: sortKeyFor(ev.sentAt, ctx.tiebreak),
          })
          .onConflictDoNothing({ target: [messages.channelId, messages.providerMessageId] })
          .returning({ id: messages.id });
        if (message) {
          out.push({ name: "message.created", data: { conversationId: conversation.id, messageId: message.id } });
          ctx.stored.push({ channelId: channel.id, messageId: message.id, conversationId: conversation.id, keys: [ev.providerMessageId], direction: "outbound", chatId: ev.chatId, sentAt: ev.sentAt });
        }
        break;
      }
      case "receipt": {
        const contact = await findLiveContact(tx, channel.id, ev.chatId);
        if (!contact) break;
        // Receipts only move a status forward: sent → delivered → read.
        const from = ev.status === "read" ? (["sent", "delivered"] as const) : (["sent"] as const);
        const ids = ev.providerMessageIds ?? [];
        const byIds = ids.length
          ? or(inArray(messages.providerMessageId, ids), sql`jsonb_exists_any(${messages.providerPartIds}, array[${sql.join(ids.map((id) => sql`${id}`), sql`, `)}]::text[])`)
          : undefined;
        const byWatermark = ev.watermark ? lte(messages.sentAt, ev.watermark) : undefined;
        if (!byIds && !byWatermark) break;
        const updated = await tx
          .update(messages)
          .set({ deliveryStatus: ev.status })
          .where(
            and(
              eq(messages.channelId, channel.id),
              eq(messages.direction, "outbound"),
              inArray(messages.deliveryStatus, [...from]),
              inArray(messages.conversationId, tx.select({ id: conversations.id }).from(conversations).where(eq(conversations.contactId, contact.id))),
              byIds && byWatermark ? or(byIds, byWatermark) : (byIds ?? byWatermark),
            ),
          )
          .returning({ id: messages.id, conversationId: messages.conversationId });
        for (const m of updated) out.push({ name: "message.updated", data: { conversationId: m.conversationId, messageId: m.id } });
        // A watermark also covers replies whose echo or send result is recorded later; ids not stored yet wait.
        if (ev.watermark) {
          await keepPendingEffect(tx, channel, ev.chatId, `watermark:${ev.chatId}`, { kind: "watermark", chatId: ev.chatId, status: ev.status, watermark: ev.watermark.toISOString() }, ctx.tiebreak);
        }
        if (ids.length) {
          const known = await tx
            .select({ id: messages.providerMessageId, parts: messages.providerPartIds })
            .from(messages)
            .where(and(eq(messages.channelId, channel.id), byIds!));
          const seen = new Set(known.flatMap((k) => [k.id, ...k.parts]));
          for (const id of ids) if (!seen.has(id)) await keepPendingEffect(tx, channel, ev.chatId, id, { kind: "receipt", status: ev.status }, ctx.tiebreak);
        }
        break;
      }
      case "reaction":
      case "contact_left":
        // Kept in inbound_events; nothing in the thread changes.
        break;
      case "thread_control": {
        const contact = await findLiveContact(tx, channel.id, ev.chatId);
        if (!contact) break;
        const [open] = await tx.select().from(conversations).where(and(eq(conversations.contactId, contact.id), ne(conversations.status, "closed"))).limit(1);
        if (!open || ev.requestedBy) break;
        // F10: a thread the bot owns waits in New, unassigned; when it comes back to us, humans handle it (routed).
        out.push(...(await applyThreadControl(tx, open, { owner: ev.owner, ...(ev.appId ? { appId: ev.appId } : {}) })));
        break;
      }
      case "connection_lost": {
        await markChannelDisconnected(tx, channel.id, { class: "connection_lost", reason: ev.reason, providerError: ev.providerError });
        out.push({ name: "channel.status_changed", data: { channelId: channel.id, status: "disconnected" } });
        break;
      }
      case "chat_migrated": {
        // The group became a supergroup: the same contact follows the new chat id. Telegram says so twice (in
        // the old group and in the supergroup); the second finds the move done.
        const group = await findLiveContact(tx, channel.id, ev.fromChatId);
        if (!group) break;
        const supergroup = await findLiveContact(tx, channel.id, ev.toChatId);
        if (supergroup && supergroup.id !== group.id) {
          // The supergroup's first messages were processed before the move and made a contact of their own:
          // fold it into the group's contact, so the result is the same as if the move had come first.
          const merged = await foldContactInto(tx, supergroup.id, group.id);
          for (const conversationId of merged) out.push({ name: "conversation.updated", data: { conversationId } });
        }
        await tx.update(contacts).set({ externalId: ev.toChatId, updatedAt: new Date() }).where(eq(contacts.id, group.id));
        break;
      }
    }
  }
  if (!context) {
    await flushApplyCache(tx, ctx);
    out.push(...(await settlePendingEffects(tx, ctx.stored)));
  }
  return out;
}

/**
 * Moves one contact's conversations to another and deletes it: an open conversation's messages join the
 * target's open conversation (the thread sort key keeps them in provider order), anything else changes owner.
 * Returns the conversations that changed.
 */
async function foldContactInto(tx: Tx, fromContactId: string, intoContactId: string): Promise<string[]> {
  const [intoOpen] = await tx.select().from(conversations).where(and(eq(conversations.contactId, intoContactId), ne(conversations.status, "closed"))).limit(1);
  const moving = await tx.select().from(conversations).where(eq(conversations.contactId, fromContactId));
  const changed: string[] = [];
  for (const c of moving) {
    if (intoOpen && c.status !== "closed") {
      await tx.update(messages).set({ conversationId: intoOpen.id }).where(eq(messages.conversationId, c.id));
      await tx
        .update(conversations)
        .set({
          lastMessageAt: sql`greatest(${conversations.lastMessageAt}, ${c.lastMessageAt.toISOString()}::timestamptz)`,
          lastInboundAt: sql`greatest(${conversations.lastInboundAt}, ${c.lastInboundAt?.toISOString() ?? null}::timestamptz)`,
        })
        .where(eq(conversations.id, intoOpen.id));
      await tx.delete(conversations).where(eq(conversations.id, c.id));
      changed.push(intoOpen.id);
    } else {
      await tx.update(conversations).set({ contactId: intoContactId }).where(eq(conversations.id, c.id));
      changed.push(c.id);
    }
  }
  await tx.delete(contacts).where(eq(contacts.id, fromContactId));
  return [...new Set(changed)];
}
