import { and, eq, ne } from "drizzle-orm";
import type { Database } from "../../../db";
import { contacts, conversations } from "../../../db/schema";
import { DomainError } from "../../errors";
import { publishToCompany } from "../../realtime/publish";
import type { ServiceContext } from "../context";
import { actorUserId, recordChannelHistory } from "../channels/channel-records";
import { userName } from "../conversations/conversation-actions";
import { insertSystemNote } from "../conversations/system-note";

/**
 * Ban or unban a contact (F7, seed 001: "disabling the line for a user"). A banned contact's later messages are
 * kept but never routed to the line (apply-normalized-events.ts), and their threads leave the inbox list
 * (list-inbox.ts). Banning closes the contact's open conversation with a note. Written to the channel's history.
 */
export async function setContactBanned({ ctx, input }: { ctx: ServiceContext & { db: Database }; input: { contactId: string; banned: boolean } }) {
  if (!/^[0-9a-f-]{36}$/i.test(input.contactId)) throw new DomainError("not_found", "channelsAdmin.error.contactNotFound");
  const [contact] = await ctx.db.select().from(contacts).where(and(eq(contacts.id, input.contactId), eq(contacts.companyId, ctx.companyId)));
  if (!contact) throw new DomainError("not_found", "channelsAdmin.error.contactNotFound");
  if (Boolean(contact.bannedAt) === input.banned) return { bannedAt: contact.bannedAt, closedConversationIds: [] as string[] };
  const bannedAt = input.banned ? new Date() : null;
  // Banning closes the contact's open conversation (its waiting time stops, it leaves New and In progress), with a
  // note saying who and why.
  const closed = await ctx.db.transaction(async (tx) => {
    await tx.update(contacts).set({ bannedAt, updatedAt: new Date() }).where(and(eq(contacts.id, contact.id), eq(contacts.companyId, ctx.companyId)));
    await recordChannelHistory(tx, {
      companyId: ctx.companyId,
      channelId: contact.channelId,
      actorUserId: actorUserId(ctx),
      action: input.banned ? "contact_banned" : "contact_unbanned",
      detail: { contact: contact.displayName },
    });
    if (!input.banned) return [];
    const rows = await tx
      .update(conversations)
      .set({ status: "closed", closedAt: bannedAt })
      .where(and(eq(conversations.contactId, contact.id), eq(conversations.companyId, ctx.companyId), ne(conversations.status, "closed")))
      .returning();
    const name = (await userName(tx, ctx.companyId, actorUserId(ctx))) ?? "";
    const out: { id: string; noteId: string }[] = [];
    for (const c of rows) out.push({ id: c.id, noteId: await insertSystemNote(tx, c, { code: "banned_closed", params: { name } }) });
    return out;
  });
  const all = await ctx.db
    .select({ id: conversations.id })
    .from(conversations)
    .where(and(eq(conversations.contactId, contact.id), eq(conversations.companyId, ctx.companyId)));
  await publishToCompany(ctx.companyId, [
    ...closed.flatMap((c) => [
      { name: "message.created" as const, data: { conversationId: c.id, messageId: c.noteId } },
      { name: "conversation.status_changed" as const, data: { conversationId: c.id, status: "closed" as const } },
    ]),
    { name: "contact.updated" as const, data: { contactId: contact.id, conversationIds: all.map((c) => c.id) } },
  ]);
  return { bannedAt, closedConversationIds: closed.map((c) => c.id) };
}
