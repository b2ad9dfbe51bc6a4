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
  const { closedConversationIds } = await setContactBanned({ ctx, input: { contactId: conversation.contactId, banned: input.banned } });
  // A conversation the ban closed already says so ("banned this contact and closed the conversation").
  if (closedConversationIds.includes(conversation.id)) return { changed: true, realtime: [] };
  const noteId = await ctx.db.transaction(async (tx) =>
    insertSystemNote(tx, conversation, { code: input.banned ? "banned" : "unbanned", params: { name: (await userName(tx, ctx.companyId, actorId)) ?? "" } }),
  );
  // setContactBanned told every screen about the contact (contact.updated); the note is this thread's.
  return { changed: true, realtime: [{ name: "message.created", data: { conversationId: conversation.id, messageId: noteId } }] };
}
