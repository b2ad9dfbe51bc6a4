import { and, eq } from "drizzle-orm";
import { contactNotes, contacts } from "../../../db/schema";
import { DomainError, notFound } from "../../errors";
import type { RealtimeEvent } from "../../realtime/channels";
import type { ServiceContext } from "../context";
import { actorUserId } from "../channels/channel-records";

export const CONTACT_NOTE_MAX = 2000;

/** A note about a customer, for the team (never sent to the customer); shown for every contact of the person. */
export async function addContactNote({ ctx, input }: { ctx: ServiceContext; input: { contactId: string; text: string } }): Promise<{ id: string; realtime: RealtimeEvent[] }> {
  const text = input.text.trim();
  if (!text || text.length > CONTACT_NOTE_MAX) throw new DomainError("invalid", "contacts.error.noteLength");
  const [contact] = await ctx.db
    .select({ id: contacts.id, personId: contacts.personId })
    .from(contacts)
    .where(and(eq(contacts.id, input.contactId), eq(contacts.companyId, ctx.companyId)));
  if (!contact) throw notFound("contact");
  const [note] = await ctx.db.insert(contactNotes).values({ companyId: ctx.companyId, contactId: contact.id, authorId: actorUserId(ctx), text }).returning({ id: contactNotes.id });
  return { id: note!.id, realtime: [{ name: "contact.updated", data: { contactId: contact.id, conversationIds: [], personIds: [contact.personId] } }] };
}
