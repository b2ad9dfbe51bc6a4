import { and, eq, isNull, ne } from "drizzle-orm";
import type { Database } from "../../../db";
import { conversations } from "../../../db/schema";
import type { ServiceContext } from "../context";
import { changed, currentConversation, userName, type ActionResult } from "./conversation-actions";
import { userIdOf } from "./inbox-filters";
import { insertSystemNote } from "./system-note";

/** Take (assign to me): only an unassigned, open conversation; it moves to In progress. */
export async function takeConversation({ ctx, input }: { ctx: ServiceContext & { db: Database }; input: { conversationId: string } }): Promise<ActionResult> {
  const userId = userIdOf(ctx);
  return ctx.db.transaction(async (tx) => {
    const [taken] = await tx
      .update(conversations)
      .set({ assigneeId: userId, status: "in_progress", assignedAt: new Date() })
      .where(and(eq(conversations.id, input.conversationId), eq(conversations.companyId, ctx.companyId), ne(conversations.status, "closed"), isNull(conversations.assigneeId)))
      .returning();
    if (!taken) {
      const now = await currentConversation(tx, ctx.companyId, input.conversationId);
      if (now.status === "closed") return { outcome: { ok: false, reason: "closed", by: null }, realtime: [] };
      if (now.assigneeId === userId) {
        if (now.status === "in_progress") return { outcome: { ok: true, changed: false }, realtime: [] };
        await tx.update(conversations).set({ status: "in_progress" }).where(and(eq(conversations.id, now.id), eq(conversations.status, "new")));
        return { outcome: { ok: true, changed: true }, realtime: changed(now.id, null) };
      }
      return { outcome: { ok: false, reason: "taken_by", by: await userName(tx, ctx.companyId, now.assigneeId) }, realtime: [] };
    }
    const noteId = await insertSystemNote(tx, taken, { code: "taken", params: { name: (await userName(tx, ctx.companyId, userId)) ?? "" } });
    return { outcome: { ok: true, changed: true }, realtime: changed(taken.id, noteId, [{ name: "conversation.assigned", data: { conversationId: taken.id, assigneeId: userId } }]) };
  });
}
