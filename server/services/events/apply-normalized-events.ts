import { and, eq, inArray, isNull, lte, ne, or, sql } from "drizzle-orm";
import type { Tx } from "../../../db";
import { randomUUID } from "node:crypto";
import { channels, contacts, conversations, lines, messages, outboundSends } from "../../../db/schema";
import { catalog, localeForLanguageTag, translator } from "../../i18n";
import type { NormalizedEvent } from "../../channels/types";
import type { RealtimeEvent } from "../../realtime/channels";
import { markChannelDisconnected } from "../channels/mark-channel-disconnected";
import { routeNewConversation } from "../conversations/route-conversation";

type Channel = typeof channels.$inferSelect;

async function findLiveContact(tx: Tx, channelId: string, chatId: string) {
  const [contact] = await tx
    .select()
    .from(contacts)
    .where(and(eq(contacts.channelId, channelId), eq(contacts.externalId, chatId), isNull(contacts.endedAt)))
    .limit(1);
  return contact;
}

async function upsertContact(tx: Tx, channel: Channel, ev: Extract<NormalizedEvent, { kind: "message" }>) {
  const existing = await findLiveContact(tx, channel.id, ev.chatId);
  if (existing) {
    // Renames show on new messages only: the contact's name follows, old messages keep theirs.
    if (existing.displayName !== ev.contactName || (ev.username && existing.username !== ev.username)) {
      await tx.update(contacts).set({ displayName: ev.contactName, username: ev.username ?? existing.username, updatedAt: new Date() }).where(eq(contacts.id, existing.id));
    }
    return existing;
  }
  const [created] = await tx
    .insert(contacts)
    .values({ companyId: channel.companyId, channelId: channel.id, externalId: ev.chatId, displayName: ev.contactName, username: ev.username, chatKind: ev.chatKind })
    .returning();
  return created!;
}

/** F9: a new inbound message resumes the contact's open conversation on the channel's line, or starts one. */
async function openConversation(tx: Tx, channel: Channel, contactId: string, at: Date) {
  const [open] = await tx
    .select()
    .from(conversations)
    .where(and(eq(conversations.contactId, contactId), ne(conversations.status, "closed")))
    .limit(1);
  if (open) return { conversation: open, created: false };
  const line = channel.lineId ? (await tx.select().from(lines).where(eq(lines.id, channel.lineId)).limit(1))[0] : undefined;
  const [created] = await tx
    .insert(conversations)
    .values({ companyId: channel.companyId, lineId: channel.lineId, channelId: channel.id, contactId, status: "new", teamId: line?.defaultTeamId ?? null, lastMessageAt: at, lastInboundAt: at })
    .returning();
  // Routing: the line's default team, when its admin turned automatic routing on (else it waits in New).
  return { conversation: await routeNewConversation(tx, created!), created: true };
}

async function unroutedConversation(tx: Tx, channel: Channel, contactId: string, at: Date) {
  const [existing] = await tx
    .select()
    .from(conversations)
    .where(and(eq(conversations.contactId, contactId), eq(conversations.status, "closed"), isNull(conversations.lineId)))
    .limit(1);
  if (existing) return { conversation: existing, created: false };
  const [created] = await tx
    .insert(conversations)
    .values({ companyId: channel.companyId, lineId: null, channelId: channel.id, contactId, status: "closed", closedAt: at, lastMessageAt: at, lastInboundAt: at })
    .returning();
  return { conversation: created!, created: true };
}

/**
 * Applies one webhook's normalized events inside the caller's transaction. Returns the realtime events to
 * publish after commit. Idempotent: a message already stored (same provider id) is not stored again.
 */
export async function applyNormalizedEvents(tx: Tx, channel: Channel, events: NormalizedEvent[]): Promise<RealtimeEvent[]> {
  const out: RealtimeEvent[] = [];
  for (const ev of events) {
    switch (ev.kind) {
      case "message": {
        const contact = await upsertContact(tx, channel, ev);
        const text = ev.participantName ? `${ev.participantName}: ${ev.text}` : ev.text;
        const received = new Date();
        // F7: a banned contact's messages are kept, but in an unrouted closed thread, never in the line.
        const { conversation } = contact.bannedAt
          ? await unroutedConversation(tx, channel, contact.id, received)
          : await openConversation(tx, channel, contact.id, received);
        const [message] = await tx
          .insert(messages)
          .values({
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
          })
          .onConflictDoNothing({ target: [messages.channelId, messages.providerMessageId] })
          .returning({ id: messages.id });
        if (!message) continue;
        if (contact.bannedAt) continue;
        // Meta's reply windows count from when the customer wrote, not from when we processed it.
        await tx.update(conversations).set({ lastMessageAt: received, lastInboundAt: ev.sentAt }).where(eq(conversations.id, conversation.id));
        out.push({ name: "message.created", data: { conversationId: conversation.id, messageId: message.id } });
        if (ev.attachments.some((a) => a.note === "unsupported")) {
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
        const updated = await tx
          .update(messages)
          .set({ text: ev.participantName ? `${ev.participantName}: ${ev.text}` : ev.text, editedAt: ev.editedAt })
          .where(and(eq(messages.channelId, channel.id), eq(messages.providerMessageId, ev.providerMessageId)))
          .returning({ id: messages.id, conversationId: messages.conversationId });
        for (const m of updated) out.push({ name: "message.updated", data: { conversationId: m.conversationId, messageId: m.id } });
        break;
      }
      case "contact_blocked_us":
      case "contact_unblocked_us": {
        const contact = await findLiveContact(tx, channel.id, ev.chatId);
        if (contact) await tx.update(contacts).set({ blockedUsAt: ev.kind === "contact_blocked_us" ? ev.at : null, updatedAt: new Date() }).where(eq(contacts.id, contact.id));
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
          })
          .onConflictDoNothing({ target: [messages.channelId, messages.providerMessageId] })
          .returning({ id: messages.id });
        if (message) out.push({ name: "message.created", data: { conversationId: conversation.id, messageId: message.id } });
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
        // F10: a thread the bot owns waits in New, unassigned; when it comes back to us, humans handle it.
        const handler = ev.owner === "other_app" ? "bot" : "humans";
        await tx
          .update(conversations)
          .set(handler === "bot" ? { handler, status: "new", assigneeId: null } : { handler })
          .where(eq(conversations.id, open.id));
        out.push({ name: "conversation.updated", data: { conversationId: open.id } });
        break;
      }
      case "connection_lost": {
        await markChannelDisconnected(tx, channel.id, { class: "connection_lost", reason: ev.reason, providerError: ev.providerError });
        out.push({ name: "channel.status_changed", data: { channelId: channel.id, status: "disconnected" } });
        break;
      }
      case "chat_migrated": {
        // The supergroup's own messages were processed first and made its contact: that one stays, and the
        // old group's contact ends (its history stays with it) instead of the move colliding with it.
        if (await findLiveContact(tx, channel.id, ev.toChatId)) {
          await tx.update(contacts).set({ endedAt: new Date(), updatedAt: new Date() }).where(and(eq(contacts.channelId, channel.id), eq(contacts.externalId, ev.fromChatId), isNull(contacts.endedAt)));
          break;
        }
        // The group became a supergroup: the same contact follows the new chat id.
        await tx.update(contacts).set({ externalId: ev.toChatId, updatedAt: new Date() }).where(and(eq(contacts.channelId, channel.id), eq(contacts.externalId, ev.fromChatId), isNull(contacts.endedAt)));
        break;
      }
    }
  }
  return out;
}
