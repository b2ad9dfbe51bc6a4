import { and, eq, inArray, isNotNull, isNull } from "drizzle-orm";
import type { Database } from "../../../db";
import { conversations, mentions, messages, users } from "../../../db/schema";
import { DomainError, notFound } from "../../errors";
import type { RealtimeEvent } from "../../realtime/channels";
import type { ServiceContext } from "../context";

export type AddNoteInput = { conversationId: string; text: string; mentionUserIds?: string[] };

/**
 * A private note in a conversation's thread, for the team only: stored as a message whose author kind is "note",
 * with no send job, so no provider ever sees it (the send worker only delivers outbound_sends rows). It changes
 * nothing about the conversation — status, assignee, its place in the inbox, unread counts and the customer's
 * waiting time all stay as they were. Each person @mentioned (an active person of this company; anyone else is
 * refused) gets a mention row, listed in their Mentions view until they open the conversation.
 */
export async function addNote({ ctx, input }: { ctx: ServiceContext & { db: Database }; input: AddNoteInput }) {
  if (ctx.actor.kind !== "user") throw new DomainError("forbidden", "errors.forbidden");
  const userId = ctx.actor.userId;
  const text = input.text.trim();
  if (!text) throw new DomainError("invalid", "inbox.note.empty");
  // Mentioning oneself notifies nobody.
  const mentioned = [...new Set(input.mentionUserIds ?? [])].filter((id) => id !== userId);

  return ctx.db.transaction(async (tx) => {
    const [conversation] = await tx
      .select({ id: conversations.id, channelId: conversations.channelId })
      .from(conversations)
      .where(and(eq(conversations.id, input.conversationId), eq(conversations.companyId, ctx.companyId)));
    if (!conversation) throw notFound("conversation");
    if (mentioned.length) {
      const people = await tx
        .select({ id: users.id })
        .from(users)
        .where(and(inArray(users.id, mentioned), eq(users.companyId, ctx.companyId), isNull(users.deactivatedAt), isNotNull(users.passwordHash)));
      if (people.length !== mentioned.length) throw new DomainError("invalid", "inbox.note.unknownPerson", "a mentioned person is not an active member of this company");
    }
    const [message] = await tx
      .insert(messages)
      .values({
        companyId: ctx.companyId,
        conversationId: conversation.id,
        channelId: conversation.channelId,
        direction: "outbound",
        authorKind: "note",
        authorUserId: userId,
        text,
        // Nothing to deliver; no sent time, so no receipt watermark can ever match it.
        deliveryStatus: "sent",
      })
      .returning({ id: messages.id });
    const realtime: RealtimeEvent[] = [{ name: "message.created", data: { conversationId: conversation.id, messageId: message!.id } }];
    if (mentioned.length) {
      await tx.insert(mentions).values(mentioned.map((id) => ({ companyId: ctx.companyId, messageId: message!.id, conversationId: conversation.id, userId: id })));
      realtime.push({ name: "mention.created", data: { conversationId: conversation.id, messageId: message!.id, userIds: mentioned } });
    }
    return { id: message!.id, realtime };
  });
}
