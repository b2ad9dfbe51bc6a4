import { and, eq, sql } from "drizzle-orm";
import type { Database } from "../../../db";
import { conversationReads, conversations } from "../../../db/schema";
import { notFound } from "../../errors";
import { markMentionsRead } from "../notes/mark-mentions-read";
import type { ServiceContext } from "../context";
import { userIdOf } from "./inbox-filters";

/**
 * The reader has seen the conversation up to now: their unread count for it drops to zero (never moves back), and
 * the notes in it that mention them are read.
 */
export async function markConversationRead({ ctx, input }: { ctx: ServiceContext & { db: Database }; input: { conversationId: string } }) {
  const userId = userIdOf(ctx);
  const [conversation] = await ctx.db
    .select({ id: conversations.id })
    .from(conversations)
    .where(and(eq(conversations.id, input.conversationId), eq(conversations.companyId, ctx.companyId)));
  if (!conversation) throw notFound("conversation");
  await ctx.db
    .insert(conversationReads)
    .values({ companyId: ctx.companyId, userId, conversationId: conversation.id, lastReadAt: sql`clock_timestamp()` })
    .onConflictDoUpdate({
      target: [conversationReads.userId, conversationReads.conversationId],
      set: { lastReadAt: sql`greatest(${conversationReads.lastReadAt}, excluded.last_read_at)` },
    });
  const mentionsRead = await markMentionsRead(ctx.db, ctx.companyId, userId, conversation.id);
  return { ok: true as const, mentionsRead };
}
