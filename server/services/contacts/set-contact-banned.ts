import { and, eq, ne } from "drizzle-orm";
import type { Database } from "../../../db";
import { contacts, conversations } from "../../../db/schema";
import { DomainError } from "../../errors";
import { publishToCompany } from "../../realtime/publish";
import type { ServiceContext } from "../context";
import { actorUserId, recordChannelHistory } from "../channels/channel-records";

/**
 * Ban or unban a contact (F7, seed 001: "disabling the line for a user"). A banned contact's later messages are
 * kept but never routed to the line (apply-normalized-events.ts), and their threads leave the inbox list
 * (list-inbox.ts). Written to the channel's history.
 */
export async function setContactBanned({ ctx, input }: { ctx: ServiceContext & { db: Database }; input: { contactId: string; banned: boolean } }) {
  if (!/^[0-9a-f-]{36}$/i.test(input.contactId)) throw new DomainError("not_found", "channelsAdmin.error.contactNotFound");
  const [contact] = await ctx.db.select().from(contacts).where(and(eq(contacts.id, input.contactId), eq(contacts.companyId, ctx.companyId)));
  if (!contact) throw new DomainError("not_found", "channelsAdmin.error.contactNotFound");
  if (Boolean(contact.bannedAt) === input.banned) return { bannedAt: contact.bannedAt };
  const bannedAt = input.banned ? new Date() : null;
  await ctx.db.transaction(async (tx) => {
    await tx.update(contacts).set({ bannedAt, updatedAt: new Date() }).where(and(eq(contacts.id, contact.id), eq(contacts.companyId, ctx.companyId)));
    await recordChannelHistory(tx, {
      companyId: ctx.companyId,
      channelId: contact.channelId,
      actorUserId: actorUserId(ctx),
      action: input.banned ? "contact_banned" : "contact_unbanned",
      detail: { contact: contact.displayName },
    });
  });
  const open = await ctx.db
    .select({ id: conversations.id })
    .from(conversations)
    .where(and(eq(conversations.contactId, contact.id), eq(conversations.companyId, ctx.companyId), ne(conversations.status, "closed")));
  await publishToCompany(ctx.companyId, open.map((c) => ({ name: "conversation.updated" as const, data: { conversationId: c.id } })));
  return { bannedAt };
}
