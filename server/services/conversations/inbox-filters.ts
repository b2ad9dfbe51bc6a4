import { and, eq, inArray, isNull, ne, sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { channels, contacts, conversations } from "../../../db/schema";
import { DomainError } from "../../errors";
import type { ServiceContext } from "../context";
import { conversationMatches, toSearchQuery } from "./inbox-search";

export const INBOX_TABS = ["new", "in_progress", "closed", "mine"] as const;
export type InboxTab = (typeof INBOX_TABS)[number];
/** "open" (New and In progress together) is what the list shows when asked with no tab at all. */
export type InboxFilter = InboxTab | "open";
export const PROVIDERS = ["telegram", "messenger", "instagram", "vk"] as const;

export type InboxFilters = {
  lineId?: string;
  channelId?: string;
  provider?: (typeof PROVIDERS)[number];
  /** A person's id, or "none" for unassigned. */
  assigneeId?: string;
  teamId?: string;
  /** Words of a contact's name or handle, or of a message. */
  q?: string;
};

export function userIdOf(ctx: ServiceContext): string {
  if (ctx.actor.kind !== "user") throw new DomainError("forbidden", "errors.forbidden");
  return ctx.actor.userId;
}

/** The columns the inbox's filters apply to: a conversation's, or a count group's (inbox_counts, inbox_count_deltas). */
type FilterColumns = { companyId: AnyPgColumn; lineId: AnyPgColumn; channelId: AnyPgColumn; assigneeId: AnyPgColumn; teamId: AnyPgColumn };

/** The filters but not the search, on `cols`. */
export function groupConditions(ctx: ServiceContext, f: InboxFilters, cols: FilterColumns): SQL[] {
  const where: SQL[] = [eq(cols.companyId, ctx.companyId)];
  if (f.lineId) where.push(eq(cols.lineId, f.lineId));
  if (f.channelId) where.push(eq(cols.channelId, f.channelId));
  if (f.provider) {
    const ofProvider = ctx.db
      .select({ id: channels.id })
      .from(channels)
      .where(and(eq(channels.companyId, ctx.companyId), eq(channels.provider, f.provider)));
    where.push(inArray(cols.channelId, ofProvider));
  }
  if (f.assigneeId === "none") where.push(isNull(cols.assigneeId));
  else if (f.assigneeId) where.push(eq(cols.assigneeId, f.assigneeId));
  if (f.teamId) where.push(eq(cols.teamId, f.teamId));
  return where;
}

/**
 * Everything but the tab: company, filters, search. Conditions on `conversations` alone (contacts and channels are
 * asked through sub-queries), so a page is read in order from one of the tab indexes and stops at its limit.
 */
export function filterConditions(ctx: ServiceContext, f: InboxFilters): SQL[] {
  const where = groupConditions(ctx, f, conversations);
  const query = toSearchQuery(f.q);
  if (query) where.push(conversationMatches(conversations.id, query));
  return where;
}

/**
 * A banned contact's later messages are kept in an unrouted closed thread: it never shows in the Closed tab (nor in
 * its count). Banned contacts are few; contacts_banned_idx finds them.
 */
export function bannedContacts(companyId: string): SQL {
  return sql`(select bc.id from ${contacts} bc where bc.company_id = ${companyId} and bc.banned_at is not null)`;
}

/**
 * New and In progress together are "not closed": the partial indexes conversations_open_idx and
 * conversations_assignee_open_idx hold them in page order (a list of two statuses would sort the whole set).
 */
export const openCondition = () => ne(conversations.status, "closed");

export function tabCondition(ctx: ServiceContext, tab: InboxFilter, userId: string): SQL {
  if (tab === "open") return openCondition();
  if (tab === "mine") return and(eq(conversations.assigneeId, userId), openCondition())!;
  if (tab === "closed") return and(eq(conversations.status, "closed"), sql`${conversations.contactId} not in ${bannedContacts(ctx.companyId)}`)!;
  return eq(conversations.status, tab);
}

/** A keyset position: the row's time to the microsecond, and its id. */
export const CURSOR_RE = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z)\|([0-9a-f-]{36})$/i;
export const cursorOf = (column: SQL | unknown, id: unknown) =>
  sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') || '|' || ${id}`;
export function parseCursor(cursor: string | undefined | null): { at: string; id: string } | null {
  if (!cursor) return null;
  const m = CURSOR_RE.exec(cursor);
  if (!m) throw new DomainError("invalid", "errors.generic");
  return { at: m[1]!, id: m[2]! };
}
