import { and, eq, sql } from "drizzle-orm";
import { channels, contacts, conversations } from "../../../db/schema";
import type { ServiceContext } from "../context";
import { filterConditions, userIdOf, type InboxFilters } from "./inbox-filters";

/** How many conversations each tab holds with the same filters and search: the tabs' live counts. */
export async function countInbox({ ctx, input }: { ctx: ServiceContext; input: InboxFilters }) {
  const userId = userIdOf(ctx);
  const [row] = await ctx.db
    .select({
      new: sql<number>`count(*) filter (where ${conversations.status} = 'new')::int`,
      in_progress: sql<number>`count(*) filter (where ${conversations.status} = 'in_progress')::int`,
      closed: sql<number>`count(*) filter (where ${conversations.status} = 'closed')::int`,
      mine: sql<number>`count(*) filter (where ${conversations.status} <> 'closed' and ${conversations.assigneeId} = ${userId})::int`,
    })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .innerJoin(channels, eq(channels.id, conversations.channelId))
    .where(and(...filterConditions(ctx, input)));
  return row ?? { new: 0, in_progress: 0, closed: 0, mine: 0 };
}
