import { and, eq, ne } from "drizzle-orm";
import type { Database } from "../../../db";
import { contacts, conversations } from "../../../db/schema";
import type { ServiceContext } from "../context";
import { changed, currentConversation, userName, type ActionResult } from "./conversation-actions";
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
      if (before.status !== "closed") return { outcome: { ok: false, reason: "already_open", by: await userName(tx, ctx.companyId, before.assigneeId) }, realtime: [] };
      const [contact] = await tx.select({ bannedAt: contacts.bannedAt }).from(contacts).where(eq(contacts.id, before.contactId));
      if (contact?.bannedAt) return { outcome: { ok: false, reason: "banned", by: null }, realtime: [] };
      const [other] = await tx
        .select({ id: conversations.id })
        .from(conversations)
        // Another conversation of the customer: this one may have been reopened by someone else a moment ago.
        .where(and(eq(conversations.contactId, before.contactId), ne(conversations.status, "closed"), ne(conversations.id, before.id)))
        .limit(1);
      if (other) return { outcome: { ok: false, reason: "newer_open", by: null }, realtime: [] };
      const [reopened] = await tx
        .update(conversations)
        .set({ status: before.assigneeId ? "in_progress" : "new", closedAt: null })
        .where(and(eq(conversations.id, before.id), eq(conversations.status, "closed")))
        .returning();
      if (!reopened) return { outcome: { ok: false, reason: "already_open", by: null }, realtime: [] };
      const noteId = await insertSystemNote(tx, reopened, { code: "reopened", params: { name: (await userName(tx, ctx.companyId, userId)) ?? "" } });
      return { outcome: { ok: true, changed: true }, realtime: changed(reopened.id, noteId, [{ name: "conversation.status_changed", data: { conversationId: reopened.id, status: reopened.status } }]) };
    });
  } catch (e) {
    // The customer wrote at this very moment and a new session opened first.
    if (isUniqueViolation(e)) return { outcome: { ok: false, reason: "newer_open", by: null }, realtime: [] };
    throw e;
  }
}
