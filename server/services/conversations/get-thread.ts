import { and, asc, eq } from "drizzle-orm";
import { channels, contacts, conversations, messages, users } from "../../../db/schema";
import { notFound } from "../../errors";
import type { ServiceContext } from "../context";

/** One conversation with its contact, channel (health included, no credentials) and messages. */
export async function getThread({ ctx, input }: { ctx: ServiceContext; input: { conversationId: string } }) {
  const [row] = await ctx.db
    .select({
      conversation: conversations,
      contact: { id: contacts.id, displayName: contacts.displayName, username: contacts.username, chatKind: contacts.chatKind, blockedUsAt: contacts.blockedUsAt },
      channel: { id: channels.id, name: channels.name, provider: channels.provider, status: channels.status, statusReason: channels.statusReason },
    })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .innerJoin(channels, eq(channels.id, conversations.channelId))
    .where(and(eq(conversations.id, input.conversationId), eq(conversations.companyId, ctx.companyId)));
  if (!row) throw notFound("conversation");

  const items = await ctx.db
    .select({
      id: messages.id,
      direction: messages.direction,
      authorKind: messages.authorKind,
      authorName: messages.authorName,
      authorUserName: users.name,
      text: messages.text,
      attachments: messages.attachments,
      deliveryStatus: messages.deliveryStatus,
      failureReason: messages.failureReason,
      createdAt: messages.createdAt,
      editedAt: messages.editedAt,
    })
    .from(messages)
    .leftJoin(users, eq(users.id, messages.authorUserId))
    .where(and(eq(messages.conversationId, input.conversationId), eq(messages.companyId, ctx.companyId)))
    .orderBy(asc(messages.createdAt));
  return { ...row, messages: items };
}
