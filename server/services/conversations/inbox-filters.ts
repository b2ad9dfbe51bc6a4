import { and, eq, inArray, isNull, ne, or, sql, type SQL } from "drizzle-orm";
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

/** Everything but the tab: company, filters, search. Needs conversations joined with contacts and channels. */
export function filterConditions(ctx: ServiceContext, f: InboxFilters): SQL[] {
  const where: SQL[] = [eq(conversations.companyId, ctx.companyId)];
  // A banned contact's later messages are kept in an unrouted closed thread: it never shows in the inbox.
  where.push(or(ne(conversations.status, "closed"), isNull(contacts.bannedAt))!);
  if (f.lineId) where.push(eq(conversations.lineId, f.lineId));
  if (f.channelId) where.push(eq(conversations.channelId, f.channelId));
  if (f.provider) where.push(eq(channels.provider, f.provider));
  if (f.assigneeId === "none") where.push(isNull(conversations.assigneeId));
  else if (f.assigneeId) where.push(eq(conversations.assigneeId, f.assigneeId));
  if (f.teamId) where.push(eq(conversations.teamId, f.teamId));
  const query = toSearchQuery(f.q);
  if (query) where.push(conversationMatches(ctx.companyId, conversations.id, query));
  return where;
}

export function tabCondition(tab: InboxFilter, userId: string): SQL {
  if (tab === "open") return inArray(conversations.status, ["new", "in_progress"]);
  if (tab === "mine") return and(eq(conversations.assigneeId, userId), inArray(conversations.status, ["new", "in_progress"]))!;
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
