import { aliasedTable, and, eq, sql } from "drizzle-orm";
import { channels, contacts, conversationReads, conversations, lines, messages, teams, users } from "../../../db/schema";
import type { ServiceContext } from "../context";
import { cursorOf, filterConditions, parseCursor, tabCondition, userIdOf, type InboxFilter, type InboxFilters } from "./inbox-filters";

export type { InboxFilter } from "./inbox-filters";

export type ListInboxInput = InboxFilters & { filter?: InboxFilter; tab?: InboxFilter; cursor?: string | null; limit?: number };

/** Unread counts stop at this many ("99+"): counting a huge unread history exactly is not worth its cost. */
export const UNREAD_CAP = 100;

/**
 * One keyset page of the inbox: newest activity first. Each row carries its own `cursor`; pass the last row's
 * to get the next page. Per row: contact, messenger, line, the last message as a preview, the reader's unread
 * count, since when the customer waits for an answer, the assignee and what to badge.
 */
export async function listInbox({ ctx, input }: { ctx: ServiceContext; input: ListInboxInput }) {
  const userId = userIdOf(ctx);
  const tab = input.tab ?? input.filter ?? "open";
  const limit = Math.min(Math.max(input.limit ?? 30, 1), 100);
  const after = parseCursor(input.cursor);
  const assignee = aliasedTable(users, "assignee");
  const where = [...filterConditions(ctx, input), tabCondition(ctx, tab, userId)];
  if (after) where.push(sql`(${conversations.lastMessageAt}, ${conversations.id}) < (${after.at}::timestamptz, ${after.id}::uuid)`);
  // The page first, from the tab's index in its order (conversations_inbox_idx, conversations_open_idx,
  // conversations_assignee_open_idx): it stops at `limit` rows whatever the inbox holds. Only those rows are then
  // joined with their contact, channel, line, team, assignee, read state and last messages.
  // The indexes' own order (drizzle's desc() is DESC NULLS LAST); the columns are never null.
  const pageOrder = [sql`${conversations.lastMessageAt} desc nulls last`, sql`${conversations.id} desc nulls last`];
  const page = ctx.db
    .select({ id: conversations.id })
    .from(conversations)
    .where(and(...where))
    .orderBy(...pageOrder)
    .limit(limit)
    .as("page");

  const lastReply = sql`(select max(r.created_at) from ${messages} r where r.conversation_id = ${conversations.id} and r.direction = 'outbound' and r.author_kind in ('operator', 'bot'))`;
  const rows = await ctx.db
    .select({
      id: conversations.id,
      status: conversations.status,
      handler: conversations.handler,
      lastMessageAt: conversations.lastMessageAt,
      contactId: contacts.id,
      contactName: contacts.displayName,
      contactUsername: contacts.username,
      banned: sql<boolean>`${contacts.bannedAt} is not null`,
      blockedUs: sql<boolean>`${contacts.blockedUsAt} is not null`,
      channelId: channels.id,
      channelName: channels.name,
      channelStatus: channels.status,
      provider: channels.provider,
      lineId: conversations.lineId,
      lineName: lines.name,
      assigneeId: conversations.assigneeId,
      assigneeName: assignee.name,
      teamId: conversations.teamId,
      teamName: teams.name,
      preview: sql<string | null>`(select case when m.text <> '' then m.text when jsonb_array_length(m.attachments) > 0 then '📎' else '' end from ${messages} m where m.conversation_id = ${conversations.id} and m.note is null order by m.created_at desc limit 1)`,
      unread: sql<number>`(select count(*)::int from (select 1 from ${messages} u where u.conversation_id = ${conversations.id} and u.direction = 'inbound' and u.created_at > coalesce(${conversationReads.lastReadAt}, '-infinity'::timestamptz) limit ${UNREAD_CAP}) x)`,
      // The customer's first message after our last answer: how long they have been waiting.
      waitingSince: sql<Date | null>`(select min(w.created_at) from ${messages} w where w.conversation_id = ${conversations.id} and w.direction = 'inbound' and w.created_at > coalesce(${lastReply}, '-infinity'::timestamptz))`.mapWith(
        (v: string | Date | null) => (v === null ? null : new Date(v)),
      ),
      cursor: cursorOf(conversations.lastMessageAt, conversations.id),
    })
    .from(page)
    .innerJoin(conversations, eq(conversations.id, page.id))
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .innerJoin(channels, eq(channels.id, conversations.channelId))
    .leftJoin(lines, eq(lines.id, conversations.lineId))
    .leftJoin(teams, eq(teams.id, conversations.teamId))
    .leftJoin(assignee, eq(assignee.id, conversations.assigneeId))
    .leftJoin(conversationReads, and(eq(conversationReads.conversationId, conversations.id), eq(conversationReads.userId, userId)))
    .orderBy(...pageOrder);
  return rows;
}
