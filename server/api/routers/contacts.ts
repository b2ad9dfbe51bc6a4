import { z } from "zod";
import { addContactNote, CONTACT_NOTE_MAX } from "../../services/contacts/add-contact-note";
import { getContactPanel } from "../../services/contacts/get-contact-panel";
import { mergeContacts, splitContact } from "../../services/contacts/merge-contacts";
import { searchMergeCandidates } from "../../services/contacts/search-merge-candidates";
import { publishToCompany } from "../../realtime/publish";
import { adminProcedure, companyProcedure, createTRPCRouter } from "../trpc";

/** The inbox's contact panel: who the customer is, their conversations on every channel, notes; admins merge. */
export const contactsRouter = createTRPCRouter({
  /** The panel beside a thread: the contact, the person's other conversations (newest first), notes. */
  panel: companyProcedure.input(z.object({ conversationId: z.uuid() })).query(({ ctx, input }) => getContactPanel({ ctx: ctx.service, input })),

  /** Every member: a note about the customer, for the team. */
  addNote: companyProcedure.input(z.object({ contactId: z.uuid(), text: z.string().trim().min(1).max(CONTACT_NOTE_MAX) })).mutation(async ({ ctx, input }) => {
    const { id, realtime } = await addContactNote({ ctx: ctx.service, input });
    await publishToCompany(ctx.service.companyId, realtime);
    return { id };
  }),

  /** Admins: the company's contacts to merge with, by name or handle (the contact's own person left out). */
  mergeCandidates: adminProcedure
    .input(z.object({ contactId: z.uuid(), q: z.string().trim().max(100) }))
    .query(({ ctx, input }) => searchMergeCandidates({ ctx: ctx.service, input })),

  /** Admins: the other contact (and everyone already merged with it) becomes the same person as this one. */
  merge: adminProcedure.input(z.object({ contactId: z.uuid(), otherContactId: z.uuid() })).mutation(async ({ ctx, input }) => {
    const { realtime, ...result } = await mergeContacts({ ctx: ctx.service, input });
    await publishToCompany(ctx.service.companyId, realtime);
    return result;
  }),

  /** Admins: a merged contact becomes a person of its own again. */
  split: adminProcedure.input(z.object({ contactId: z.uuid() })).mutation(async ({ ctx, input }) => {
    const { realtime, ...result } = await splitContact({ ctx: ctx.service, input });
    await publishToCompany(ctx.service.companyId, realtime);
    return result;
  }),
});
