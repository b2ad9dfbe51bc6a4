import { and, eq, ne } from "drizzle-orm";
import type { Database } from "../../../db";
import { conversations } from "../../../db/schema";
import type { ServiceContext } from "../context";
import { changed, currentConversation, latestNote, userName, type ActionResult } from "./conversation-actions";
import { userIdOf } from "./inbox-filters";
import { insertSystemNote } from "./system-note";

/**
 * Close: the conversation leaves New / In progress. The customer's next message starts a new session in New
 * (F9, F10). Closing does not pass the thread back to a bot: a bot the customer turned off stays off.
 */
export async function closeConversation({ ctx, input }: { ctx: ServiceContext & { db: Database }; input: { conversationId: string } }): Promise<ActionResult> {
  const userId = userIdOf(ctx);
  return ctx.db.transaction(async (tx) => {
    const [closed] = await tx
      .update(conversations)
      .set({ status: "closed", closedAt: new Date() })
      .where(and(eq(conversations.id, input.conversationId), eq(conversations.companyId, ctx.companyId), ne(conversations.status, "closed")))
      .returning();
    if (!closed) {
      const now = await currentConversation(tx, ctx.companyId, input.conversationId);
      const note = await latestNote(tx, now.id, ["closed", "banned_closed"]);
      return { outcome: { ok: false, reason: "already_closed", by: note.by, at: note.at }, realtime: [] };
    }
    const noteId = await insertSystemNote(tx, closed, { code: "closed", params: { name: (await userName(tx, ctx.companyId, userId)) ?? "" } });
    return { outcome: { ok: true, changed: true }, realtime: changed(closed.id, noteId, [{ name: "conversation.status_changed", data: { conversationId: closed.id, status: "closed" } }]) };
  });
}
