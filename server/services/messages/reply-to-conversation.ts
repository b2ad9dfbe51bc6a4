import { randomUUID } from "node:crypto";
import { and, eq, ne } from "drizzle-orm";
import type { Database } from "../../../db";
import { channels, contacts, conversations, messages, outboundSends, users } from "../../../db/schema";
import { DomainError, notFound } from "../../errors";
import type { RealtimeEvent } from "../../realtime/channels";
import type { ServiceContext } from "../context";
import { attachmentsFromFiles } from "../files/store-file";
import { composerState, REFUSALS } from "../conversations/composer-state";
import { insertSystemNote } from "../conversations/system-note";

export type ReplyInput = { conversationId: string; text: string; fileIds?: string[] };

/**
 * An operator's reply: stored as a pending outbound message plus a durable send job, in one transaction.
 * Delivery happens in the send worker (server/jobs), which records the provider's answer.
 * Replying to an unassigned thread takes it (In progress, assigned to the operator); replying to a closed
 * thread reopens it. Either is said in the thread by a system note just before the reply.
 */
export async function replyToConversation({ ctx, input }: { ctx: ServiceContext & { db: Database }; input: ReplyInput }) {
  if (ctx.actor.kind !== "user") throw new DomainError("forbidden", "errors.forbidden");
  const userId = ctx.actor.userId;
  const text = input.text.trim();
  const fileIds = input.fileIds ?? [];
  if (!text && fileIds.length === 0) throw new DomainError("invalid", "inbox.reply.empty");

  return ctx.db.transaction(async (tx) => {
    const [conversation] = await tx
      .select()
      .from(conversations)
      .where(and(eq(conversations.id, input.conversationId), eq(conversations.companyId, ctx.companyId)))
      .for("update");
    if (!conversation) throw notFound("conversation");

    // Refused before anything is stored when it could never go: banned, blocked, Meta's window, VK answer-only.
    const [facts] = await tx
      .select({ provider: channels.provider, channelStatus: channels.status, channelSettings: channels.settings, bannedAt: contacts.bannedAt, blockedUsAt: contacts.blockedUsAt })
      .from(channels)
      .innerJoin(contacts, eq(contacts.id, conversation.contactId))
      .where(eq(channels.id, conversation.channelId));
    if (facts) {
      const state = composerState({ ...facts, channelSettings: facts.channelSettings as Record<string, unknown>, handler: conversation.handler, status: conversation.status, lastInboundAt: conversation.lastInboundAt });
      const refusal = REFUSALS[state.state];
      if (refusal) throw new DomainError("precondition_failed", refusal);
    }

    if (conversation.status === "closed") {
      const [other] = await tx
        .select({ id: conversations.id })
        .from(conversations)
        .where(and(eq(conversations.contactId, conversation.contactId), ne(conversations.status, "closed")))
        .limit(1);
      if (other) throw new DomainError("conflict", "errors.conversationClosed");
    }
    const now = new Date();
    const attachments = await attachmentsFromFiles(tx, ctx.companyId, fileIds);
    const [message] = await tx
      .insert(messages)
      .values({
        companyId: ctx.companyId,
        conversationId: conversation.id,
        channelId: conversation.channelId,
        direction: "outbound",
        authorKind: "operator",
        authorUserId: userId,
        text,
        attachments,
        deliveryStatus: "pending",
      })
      .returning();
    await tx.insert(outboundSends).values({ companyId: ctx.companyId, channelId: conversation.channelId, messageId: message!.id, idempotencyKey: randomUUID() });
    const takeOver = conversation.status !== "in_progress" && conversation.handler === "humans";
    const [updated] = await tx
      .update(conversations)
      .set({
        lastMessageAt: now,
        ...(takeOver ? { status: "in_progress" as const, assigneeId: conversation.assigneeId ?? userId, assignedAt: conversation.assigneeId ? conversation.assignedAt : now, closedAt: null } : {}),
      })
      .where(eq(conversations.id, conversation.id))
      .returning();
    const realtime: RealtimeEvent[] = [{ name: "message.created", data: { conversationId: conversation.id, messageId: message!.id } }];
    if (takeOver) {
      realtime.push({ name: "conversation.updated", data: { conversationId: conversation.id } });
      // Said in the thread, before the reply: "Olena reopened this conversation by replying" / "… took it by replying".
      const reopened = conversation.status === "closed";
      const tookIt = !conversation.assigneeId;
      if (reopened || tookIt) {
        const [me] = await tx.select({ name: users.name }).from(users).where(and(eq(users.id, userId), eq(users.companyId, ctx.companyId)));
        const noteId = await insertSystemNote(tx, conversation, { code: reopened ? "reopened_by_reply" : "taken_by_reply", params: { name: me?.name ?? "" } }, message!.sortKey);
        realtime.push({ name: "message.created", data: { conversationId: conversation.id, messageId: noteId } });
      }
      realtime.push(
        reopened
          ? { name: "conversation.status_changed", data: { conversationId: conversation.id, status: updated!.status } }
          : { name: "conversation.assigned", data: { conversationId: conversation.id, assigneeId: updated!.assigneeId ?? userId } },
      );
    }
    return { message: message!, realtime };
  });
}
