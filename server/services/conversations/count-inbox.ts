import { and, sql } from "drizzle-orm";
import { conversations } from "../../../db/schema";
import type { ServiceContext } from "../context";
import { bannedContacts, filterConditions, userIdOf, type InboxFilters } from "./inbox-filters";

/**
 * How many conversations each tab holds with the same filters and search: the tabs' live counts. One pass over the
 * company's conversations (conversations alone: a banned contact's closed threads are taken out through the few
 * banned contacts, not by joining every contact).
 */
export async function countInbox({ ctx, input }: { ctx: ServiceContext; input: InboxFilters }) {
  const userId = userIdOf(ctx);
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
