import { and, count, desc, eq, isNull, sql } from "drizzle-orm";
import { channels, contacts, conversations, mentions, messages, users } from "../../../db/schema";
import type { ServiceContext } from "../context";
import { cursorOf, parseCursor, userIdOf } from "../conversations/inbox-filters";

export type ListMentionsInput = { cursor?: string | null; limit?: number };

/**
 * The reader's Mentions view: notes that @mention them, newest first, one keyset page (pass the last row's
 * `cursor` for the next), each with its conversation's contact and channel, the note and who wrote it, and
 * whether it is still unread. Only the reader's own mentions, only in their company.
 */
export async function listMentions({ ctx, input }: { ctx: ServiceContext; input: ListMentionsInput }) {
  const userId = userIdOf(ctx);
  const limit = Math.min(Math.max(input.limit ?? 30, 1), 100);
  const after = parseCursor(input.cursor);
  const where = [eq(mentions.userId, userId), eq(mentions.companyId, ctx.companyId)];
  if (after) where.push(sql`(${mentions.createdAt}, ${mentions.id}) < (${after.at}::timestamptz, ${after.id}::uuid)`);
  return ctx.db
    .select({
      id: mentions.id,
      conversationId: mentions.conversationId,
      messageId: mentions.messageId,
      createdAt: mentions.createdAt,
      unread: sql<boolean>`${mentions.readAt} is null`,
      text: messages.text,
      authorName: users.name,
      contactName: contacts.displayName,
      provider: channels.provider,
      channelName: channels.name,
      cursor: cursorOf(mentions.createdAt, mentions.id),
    })
    .from(mentions)
    .innerJoin(messages, eq(messages.id, mentions.messageId))
    .innerJoin(conversations, eq(conversations.id, mentions.conversationId))
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .innerJoin(channels, eq(channels.id, conversations.channelId))
    .leftJoin(users, eq(users.id, messages.authorUserId))
    .where(and(...where))
    .orderBy(desc(mentions.createdAt), desc(mentions.id))
    .limit(limit);
}

/** How many of the reader's mentions are unread (the Mentions tab's count). */
export async function countUnreadMentions({ ctx }: { ctx: ServiceContext }) {
  const userId = userIdOf(ctx);
  const [row] = await ctx.db
    .select({ n: count() })
    .from(mentions)
    .where(and(eq(mentions.userId, userId), eq(mentions.companyId, ctx.companyId), isNull(mentions.readAt)));
  return { unread: row?.n ?? 0 };
}
