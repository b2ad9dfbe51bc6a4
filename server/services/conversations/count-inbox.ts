import { and, eq, sql } from "drizzle-orm";
import { conversations, inboxCountDeltas, inboxCounts } from "../../../db/schema";
import type { ServiceContext } from "../context";
import { bannedContacts, filterConditions, groupConditions, userIdOf, type InboxFilters } from "./inbox-filters";
import { toSearchQuery } from "./inbox-search";

/**
 * How many conversations each tab holds with the same filters and search: the tabs' live counts.
 *
 * Without a search they are read from the count groups (inbox_counts plus the changes not folded in yet,
 * inbox_count_deltas; db/schema/conversations.ts), one statement and so one snapshot: exact, and as fast with a
 * million conversations as with ten. A banned contact's closed threads never show in Closed: the few banned
 * contacts' closed conversations are taken off. With a search, the matching conversations are counted.
 */
export async function countInbox({ ctx, input }: { ctx: ServiceContext; input: InboxFilters }) {
  const userId = userIdOf(ctx);
  if (toSearchQuery(input.q)) return countMatching(ctx, input, userId);

  const counted = ctx.db
    .select({ status: inboxCounts.status, assigneeId: inboxCounts.assigneeId, n: inboxCounts.n })
    .from(inboxCounts)
    .where(and(...groupConditions(ctx, input, inboxCounts)))
    .unionAll(
      ctx.db
        .select({ status: inboxCountDeltas.status, assigneeId: inboxCountDeltas.assigneeId, n: inboxCountDeltas.delta })
        .from(inboxCountDeltas)
        .where(and(...groupConditions(ctx, input, inboxCountDeltas))),
    )
    .as("g");
  const bannedClosed = sql`(select count(*) from ${conversations} where ${and(...groupConditions(ctx, input, conversations), eq(conversations.status, "closed"))} and ${conversations.contactId} in ${bannedContacts(ctx.companyId)})`;
  const [row] = await ctx.db
    .select({
      new: sql<number>`coalesce(sum(${counted.n}) filter (where ${counted.status} = 'new'), 0)::int`,
      in_progress: sql<number>`coalesce(sum(${counted.n}) filter (where ${counted.status} = 'in_progress'), 0)::int`,
      closed: sql<number>`(coalesce(sum(${counted.n}) filter (where ${counted.status} = 'closed'), 0) - ${bannedClosed})::int`,
      mine: sql<number>`coalesce(sum(${counted.n}) filter (where ${counted.status} <> 'closed' and ${counted.assigneeId} = ${userId}), 0)::int`,
    })
    .from(counted);
  return row ?? { new: 0, in_progress: 0, closed: 0, mine: 0 };
}

/** With a search: one pass over the matching conversations (conversation_terms_idx finds them). */
async function countMatching(ctx: ServiceContext, input: InboxFilters, userId: string) {
  const banned = sql`${conversations.contactId} in ${bannedContacts(ctx.companyId)}`;
  const [row] = await ctx.db
    .select({
      new: sql<number>`count(*) filter (where ${conversations.status} = 'new')::int`,
      in_progress: sql<number>`count(*) filter (where ${conversations.status} = 'in_progress')::int`,
      closed: sql<number>`count(*) filter (where ${conversations.status} = 'closed' and not ${banned})::int`,
      mine: sql<number>`count(*) filter (where ${conversations.status} <> 'closed' and ${conversations.assigneeId} = ${userId})::int`,
    })
    .from(conversations)
    .where(and(...filterConditions(ctx, input)));
  return row ?? { new: 0, in_progress: 0, closed: 0, mine: 0 };
}
