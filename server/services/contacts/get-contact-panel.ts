import { and, asc, count, desc, eq, ne } from "drizzle-orm";
import { channels, contactNotes, contacts, conversations, lines, users } from "../../../db/schema";
import { notFound } from "../../errors";
import type { ServiceContext } from "../context";

/** Conversations and notes shown at most; the panel says how many there are in all. */
export const PANEL_CONVERSATIONS = 50;
export const PANEL_NOTES = 100;

/**
 * The contact panel beside a thread: who the customer is (name, handle, channel, line, first seen, ban state), the
 * person's other conversations on every channel (their merged contacts included), newest first, and the team's
 * notes about the person.
 */
export async function getContactPanel({ ctx, input }: { ctx: ServiceContext; input: { conversationId: string } }) {
  const [row] = await ctx.db
    .select({
      conversationId: conversations.id,
      contact: {
        id: contacts.id,
        personId: contacts.personId,
        displayName: contacts.displayName,
        username: contacts.username,
        chatKind: contacts.chatKind,
        bannedAt: contacts.bannedAt,
        blockedUsAt: contacts.blockedUsAt,
        firstSeenAt: contacts.createdAt,
      },
      channel: { id: channels.id, name: channels.name, provider: channels.provider },
      line: { id: lines.id, name: lines.name },
    })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .innerJoin(channels, eq(channels.id, conversations.channelId))
    .leftJoin(lines, eq(lines.id, conversations.lineId))
    .where(and(eq(conversations.id, input.conversationId), eq(conversations.companyId, ctx.companyId)));
  if (!row) throw notFound("conversation");
  const person = and(eq(contacts.companyId, ctx.companyId), eq(contacts.personId, row.contact.personId));

  const personContacts = await ctx.db
    .select({
      id: contacts.id,
      displayName: contacts.displayName,
      username: contacts.username,
      bannedAt: contacts.bannedAt,
      firstSeenAt: contacts.createdAt,
      channel: { id: channels.id, name: channels.name, provider: channels.provider },
    })
    .from(contacts)
    .innerJoin(channels, eq(channels.id, contacts.channelId))
    .where(person)
    .orderBy(asc(contacts.createdAt), asc(contacts.id));

  const others = and(person, eq(conversations.companyId, ctx.companyId), ne(conversations.id, row.conversationId));
  const [{ total } = { total: 0 }] = await ctx.db
    .select({ total: count() })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(others);
  const otherConversations = await ctx.db
    .select({
      id: conversations.id,
      status: conversations.status,
      lastMessageAt: conversations.lastMessageAt,
      createdAt: conversations.createdAt,
      contactId: contacts.id,
      contactName: contacts.displayName,
      channel: { id: channels.id, name: channels.name, provider: channels.provider },
      lineName: lines.name,
    })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .innerJoin(channels, eq(channels.id, conversations.channelId))
    .leftJoin(lines, eq(lines.id, conversations.lineId))
    .where(others)
    .orderBy(desc(conversations.lastMessageAt), desc(conversations.id))
    .limit(PANEL_CONVERSATIONS);

  const notes = await ctx.db
    .select({ id: contactNotes.id, text: contactNotes.text, createdAt: contactNotes.createdAt, authorName: users.name, contactId: contactNotes.contactId })
    .from(contactNotes)
    .innerJoin(contacts, eq(contacts.id, contactNotes.contactId))
    .leftJoin(users, eq(users.id, contactNotes.authorId))
    .where(and(person, eq(contactNotes.companyId, ctx.companyId)))
    .orderBy(desc(contactNotes.createdAt), desc(contactNotes.id))
    .limit(PANEL_NOTES);

  return {
    contact: row.contact,
    channel: row.channel,
    line: row.line?.id ? row.line : null,
    /** Every contact of the person (this one included), oldest first: more than one after a merge. */
    personContacts,
    conversations: otherConversations,
    conversationsTotal: total,
    notes,
  };
}
