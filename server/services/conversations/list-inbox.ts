import { and, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import { channels, contacts, conversations, messages, users } from "../../../db/schema";
import type { ServiceContext } from "../context";

export type InboxFilter = "open" | "new" | "in_progress" | "closed";

const statusesFor = (filter: InboxFilter) =>
  filter === "open" ? (["new", "in_progress"] as const) : ([filter] as const);

/** The inbox list for one company: newest activity first, with the last message as a preview. */
export async function listInbox({ ctx, input }: { ctx: ServiceContext; input: { filter: InboxFilter; limit?: number } }) {
  const rows = await ctx.db
    .select({
      id: conversations.id,
      status: conversations.status,
      handler: conversations.handler,
      lastMessageAt: conversations.lastMessageAt,
      contactName: contacts.displayName,
      channelName: channels.name,
      provider: channels.provider,
      assigneeName: users.name,
      preview: sql<string | null>`(select m.text from ${messages} m where m.conversation_id = ${conversations.id} order by m.created_at desc limit 1)`,
    })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .innerJoin(channels, eq(channels.id, conversations.channelId))
    .leftJoin(users, eq(users.id, conversations.assigneeId))
    .where(and(eq(conversations.companyId, ctx.companyId), inArray(conversations.status, [...statusesFor(input.filter)]), isNull(contacts.bannedAt)))
    .orderBy(desc(conversations.lastMessageAt))
    .limit(input.limit ?? 100);
  return rows;
}
