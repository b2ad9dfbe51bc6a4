import { and, eq, isNull, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db";
import { mentions } from "../../../db/schema";

/** The reader opened the conversation: their mentions in it are read. Returns how many were unread. */
export async function markMentionsRead(db: DbOrTx, companyId: string, userId: string, conversationId: string): Promise<number> {
  const done = await db
    .update(mentions)
    .set({ readAt: sql`clock_timestamp()` })
    .where(and(eq(mentions.userId, userId), eq(mentions.companyId, companyId), eq(mentions.conversationId, conversationId), isNull(mentions.readAt)))
    .returning({ id: mentions.id });
  return done.length;
}
