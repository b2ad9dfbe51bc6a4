import { aliasedTable, and, eq, inArray, sql, type SQL } from "drizzle-orm";
import { channels, contacts, conversationReads, conversations, lines, messages, teams, users } from "../../../db/schema";
import type { ServiceContext } from "../context";
import { cursorOf, filterConditions, groupConditions, parseCursor, tabCondition, userIdOf, type InboxFilter, type InboxFilters } from "./inbox-filters";
import { conversationMatches, termsMatch, toSearchQuery } from "./inbox-search";

export type { InboxFilter } from "./inbox-filters";

export type ListInboxInput = InboxFilters & { filter?: InboxFilter; tab?: InboxFilter; cursor?: string | null; limit?: number };

/** Unread counts stop at this many ("99+"): counting a huge unread history exactly is not worth its cost. */
export const UNREAD_CAP = 100;

/**
 * One keyset page of the inbox: newest activity first. Each row carries its own `cursor`; pass the last row's
 * to get the next page. Per row: contact, messenger, line, the last message as a preview, the reader's unread
 * count, since when the customer waits for an answer, the assignee and what to badge.
 */
export async function listInbox({ ctx, input, searchProbe = SEARCH_PROBE }: { ctx: ServiceContext; input: ListInboxInput; searchProbe?: number }) {
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
  const query = toSearchQuery(input.q);
  const found = query ? await searchPage(ctx, input, tabCondition(ctx, tab, userId), after, limit, query, searchProbe) : undefined;
  const page = ctx.db
    .select({ id: conversations.id })
    .from(conversations)
    .where(found ? (found.length ? inArray(conversations.id, found) : sql`false`) : and(...where))
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
      preview: sql<string | null>`(select case when m.text <> '' then m.text when jsonb_array_length(m.attachments) > 0 then '📎' else '' end from ${messages} m where m.conversation_id = ${conversations.id} and m.note is null and m.author_kind <> 'note' order by m.created_at desc limit 1)`,
      // What a banned contact wrote after their conversation closed is kept there, but is nobody's to read.
      unread: sql<number>`(select count(*)::int from (select 1 from ${messages} u where u.conversation_id = ${conversations.id} and u.direction = 'inbound' and u.created_at > coalesce(${conversationReads.lastReadAt}, '-infinity'::timestamptz) and u.created_at <= coalesce(${conversations.closedAt}, 'infinity'::timestamptz) limit ${UNREAD_CAP}) x)`,
      // The customer's first message after our last answer: how long they have been waiting.
      // Counted from when the customer wrote (the provider's time), not from when it reached us after an outage.
      waitingSince: sql<Date | null>`(select min(coalesce(w.provider_timestamp, w.created_at)) from ${messages} w where w.conversation_id = ${conversations.id} and w.direction = 'inbound' and w.created_at > coalesce(${lastReply}, '-infinity'::timestamptz))`.mapWith(
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

/** How many of a tab's newest conversations a search looks through, one by one, before asking the index. */
export const SEARCH_PROBE = 1000;

/**
 * The ids of one page of search results, in page order. A word that is common is found among the tab's newest
 * conversations: they are read in the tab's index order and checked one by one (their terms by primary key) until
 * the page is full, so the cost is set by how common the word is, never by how large the inbox is. Only when the
 * newest SEARCH_PROBE conversations do not fill the page (a rare word) are the matches taken from the word index
 * (conversation_terms_idx), which is then cheap because they are few.
 */
async function searchPage(ctx: ServiceContext, input: InboxFilters, tab: SQL, after: { at: string; id: string } | null, limit: number, query: string, probe: number): Promise<string[]> {
  const where = [...groupConditions(ctx, input, conversations), tab];
  if (after) where.push(sql`(${conversations.lastMessageAt}, ${conversations.id}) < (${after.at}::timestamptz, ${after.id}::uuid)`);
  const order = [sql`${conversations.lastMessageAt} desc nulls last`, sql`${conversations.id} desc nulls last`];
  // The newest `probe` conversations in the tab's index order; the page keeps that order, so the matches are
  // checked lazily, one by one, and the scan stops as soon as the page is full.
  const recent = ctx.db
    .select({ id: conversations.id, lastMessageAt: conversations.lastMessageAt })
    .from(conversations)
    .where(and(...where))
    .orderBy(...order)
    .limit(probe)
    .as("recent");
  const probed = await ctx.db
    .select({ id: recent.id })
    .from(recent)
    .where(termsMatch(recent.id, query))
    .orderBy(sql`${recent.lastMessageAt} desc nulls last`, sql`${recent.id} desc nulls last`)
    .limit(limit);
  if (probed.length === limit) return probed.map((r) => r.id);
  const [{ scanned }] = (await ctx.db
    .select({ scanned: sql<number>`count(*)::int` })
    .from(ctx.db.select({ id: conversations.id }).from(conversations).where(and(...where)).limit(probe).as("probe"))) as [{ scanned: number }];
  if (scanned < probe) return probed.map((r) => r.id);
  const rows = await ctx.db
    .select({ id: conversations.id })
    .from(conversations)
    .where(and(...where, conversationMatches(conversations.id, query)))
    .orderBy(...order)
    .limit(limit);
  return rows.map((r) => r.id);
}
