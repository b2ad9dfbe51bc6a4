import { z } from "zod";
import { CURSOR_RE } from "../../services/conversations/inbox-filters";
import { addNote } from "../../services/notes/add-note";
import { countUnreadMentions, listMentions } from "../../services/notes/list-mentions";
import { publishToCompany } from "../../realtime/publish";
import { companyProcedure, createTRPCRouter } from "../trpc";

/** Private notes in a thread and the Mentions view (inbox.notes.*): every member of the company, their own mentions only. */
export const notesRouter = createTRPCRouter({
  /** A note for the team: never sent to the customer. `mentionUserIds`: the people @mentioned in it. */
  add: companyProcedure
    .input(z.object({ conversationId: z.uuid(), text: z.string().trim().max(4096), mentionUserIds: z.array(z.uuid()).max(50).default([]) }))
    .mutation(async ({ ctx, input }) => {
      const { id, realtime } = await addNote({ ctx: ctx.service, input });
      await publishToCompany(ctx.service.companyId, realtime);
      return { id };
    }),

  /** The reader's mentions, newest first; next page: `cursor` = the last row's. */
  mentions: companyProcedure
    .input(z.object({ cursor: z.string().regex(CURSOR_RE).nullish(), limit: z.number().int().min(1).max(100).optional() }).optional())
    .query(({ ctx, input }) => listMentions({ ctx: ctx.service, input: input ?? {} })),

  /** How many of the reader's mentions are unread. */
  unreadMentions: companyProcedure.query(({ ctx }) => countUnreadMentions({ ctx: ctx.service })),
});
