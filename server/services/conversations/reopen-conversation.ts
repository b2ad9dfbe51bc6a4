import { and, eq, ne } from "drizzle-orm";
import type { Database, DbOrTx } from "../../../db";
import { contacts, conversations } from "../../../db/schema";
import type { ServiceContext } from "../context";
import { changed, currentConversation, latestNote, userName, type ActionResult } from "./conversation-actions";
import { userIdOf } from "./inbox-filters";
import { insertSystemNote } from "./system-note";

const isUniqueViolation = (e: unknown) => typeof e === "object" && e !== null && ((e as { code?: string }).code === "23505" || (e as { cause?: { code?: string } }).cause?.code === "23505");

/**
 * Reopen a closed conversation: back to In progress with its assignee, or to New without one. Refused when the
 * customer already has a newer open conversation (one open per contact, F9) or is banned.
 */
export async function reopenConversation({ ctx, input }: { ctx: ServiceContext & { db: Database }; input: { conversationId: string } }): Promise<ActionResult> {
  const userId = userIdOf(ctx);
  try {
    return await ctx.db.transaction(async (tx): Promise<ActionResult> => {
      const before = await currentConversation(tx, ctx.companyId, input.conversationId);
      if (before.status !== "closed") return { outcome: { ok: false, reason: "already_open", ...(await whoReopened(tx, ctx.companyId, before)) }, realtime: [] };
      const [contact] = await tx.select({ bannedAt: contacts.bannedAt }).from(contacts).where(eq(contacts.id, before.contactId));
      if (contact?.bannedAt) return { outcome: { ok: false, reason: "banned", by: null }, realtime: [] };
      const [other] = await tx
        .select({ id: conversations.id })
        .from(conversations)
        // Another conversation of the customer: this one may have been reopened by someone else a moment ago.
        // The refusal names it, so the operator continues there.
        .where(and(eq(conversations.contactId, before.contactId), ne(conversations.status, "closed"), ne(conversations.id, before.id)))
        .limit(1);
      if (other) return { outcome: { ok: false, reason: "newer_open", by: null, conversationId: other.id }, realtime: [] };
      const [reopened] = await tx
        .update(conversations)
        .set({ status: before.assigneeId ? "in_progress" : "new", closedAt: null })
        .where(and(eq(conversations.id, before.id), eq(conversations.status, "closed")))
        .returning();
      if (!reopened) return { outcome: { ok: false, reason: "already_open", ...(await whoReopened(tx, ctx.companyId, await currentConversation(tx, ctx.companyId, before.id))) }, realtime: [] };
      const noteId = await insertSystemNote(tx, reopened, { code: "reopened", params: { name: (await userName(tx, ctx.companyId, userId)) ?? "" } });
      return { outcome: { ok: true, changed: true }, realtime: changed(reopened.id, noteId, [{ name: "conversation.status_changed", data: { conversationId: reopened.id, status: reopened.status } }]) };
    });
  } catch (e) {
    // The customer wrote at this very moment and a new session opened first.
    if (isUniqueViolation(e)) {
      const conversation = await currentConversation(ctx.db, ctx.companyId, input.conversationId);
      const [other] = await ctx.db
        .select({ id: conversations.id })
        .from(conversations)
        .where(and(eq(conversations.contactId, conversation.contactId), ne(conversations.status, "closed")))
        .limit(1);
      return { outcome: { ok: false, reason: "newer_open", by: null, ...(other ? { conversationId: other.id } : {}) }, realtime: [] };
    }
    throw e;
  }
}

/** Who reopened it first and when (the latest reopen note); else whoever has it now. */
async function whoReopened(db: DbOrTx, companyId: string, conversation: { id: string; assigneeId: string | null }) {
  const note = await latestNote(db, conversation.id, ["reopened", "reopened_by_reply"]);
  if (note.by) return note;
  return { by: await userName(db, companyId, conversation.assigneeId), at: null };
}
