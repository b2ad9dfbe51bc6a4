import { and, eq } from "drizzle-orm";
import type { Database } from "../../../db";
import { conversations } from "../../../db/schema";
import { forbidden, notFound } from "../../errors";
import type { RealtimeEvent } from "../../realtime/channels";
import type { ServiceContext } from "../context";
import { userName } from "../conversations/conversation-actions";
import { insertSystemNote } from "../conversations/system-note";
import { setContactBanned } from "./set-contact-banned";

/**
 * Ban or unban the contact of a conversation, from its thread (admins, F7): their later messages are kept and
 * not routed. The thread gets a note naming who did it.
 */
export async function setConversationContactBanned({
  ctx,
  input,
}: {
  ctx: ServiceContext & { db: Database };
  input: { conversationId: string; banned: boolean };
}): Promise<{ changed: boolean; realtime: RealtimeEvent[] }> {
  if (ctx.actor.kind !== "user" || ctx.actor.role !== "admin") throw forbidden();
  const actorId = ctx.actor.userId;
  const [conversation] = await ctx.db
    .select()
    .from(conversations)
    .where(and(eq(conversations.id, input.conversationId), eq(conversations.companyId, ctx.companyId)));
  if (!conversation) throw notFound("conversation");
  const before = await setContactBanned({ ctx, input: { contactId: conversation.contactId, banned: input.banned } });
  void before;
  const noteId = await ctx.db.transaction(async (tx) =>
    insertSystemNote(tx, conversation, { code: input.banned ? "banned" : "unbanned", params: { name: (await userName(tx, ctx.companyId, actorId)) ?? "" } }),
  );
  const all = await ctx.db
    .select({ id: conversations.id })
    .from(conversations)
    .where(and(eq(conversations.contactId, conversation.contactId), eq(conversations.companyId, ctx.companyId)));
  return {
    changed: true,
    realtime: [
      { name: "message.created", data: { conversationId: conversation.id, messageId: noteId } },
      { name: "contact.updated", data: { contactId: conversation.contactId, conversationIds: all.map((c) => c.id) } },
    ],
  };
}
