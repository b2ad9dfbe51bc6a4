import { z } from "zod";
import { createSavedReply, deleteSavedReply, updateSavedReply } from "../../services/saved-replies/save-saved-reply";
import { listSavedReplies } from "../../services/saved-replies/list-saved-replies";
import { searchSavedReplies } from "../../services/saved-replies/search-saved-replies";
import { SAVED_REPLY_LOCALES } from "../../services/saved-replies/template";
import { adminProcedure, companyProcedure, createTRPCRouter } from "../trpc";

const body = z.string().max(4096).optional();
const reply = z.object({
  /** Typed as `/refund`: letters, digits, `-` and `_`, the slash optional. */
  code: z
    .string()
    .trim()
    .regex(/^\/?[\p{L}\p{N}_-]{1,32}$/u),
  title: z.string().trim().min(1).max(100),
  defaultLocale: z.enum(SAVED_REPLY_LOCALES),
  bodies: z.object({ en: body, ru: body, uk: body }),
});
const id = z.object({ id: z.uuid() });

/** Company-wide replies: admins only. */
const companyReplies = createTRPCRouter({
  create: adminProcedure.input(reply).mutation(({ ctx, input }) => createSavedReply({ ctx: ctx.service, scope: "company", input })),
  update: adminProcedure.input(reply.extend(id.shape)).mutation(({ ctx, input }) => updateSavedReply({ ctx: ctx.service, scope: "company", input })),
  delete: adminProcedure.input(id).mutation(({ ctx, input }) => deleteSavedReply({ ctx: ctx.service, scope: "company", input })),
});

/** Each person's own replies: every member, for their own only (the service filters on the caller). */
const personalReplies = createTRPCRouter({
  create: companyProcedure.input(reply).mutation(({ ctx, input }) => createSavedReply({ ctx: ctx.service, scope: "personal", input })),
  update: companyProcedure.input(reply.extend(id.shape)).mutation(({ ctx, input }) => updateSavedReply({ ctx: ctx.service, scope: "personal", input })),
  delete: companyProcedure.input(id).mutation(({ ctx, input }) => deleteSavedReply({ ctx: ctx.service, scope: "personal", input })),
});

export const savedRepliesRouter = createTRPCRouter({
  list: companyProcedure.query(({ ctx }) => listSavedReplies({ ctx: ctx.service })),
  search: companyProcedure
    .input(z.object({ conversationId: z.uuid(), query: z.string().max(200) }))
    .query(({ ctx, input }) => searchSavedReplies({ ctx: ctx.service, input })),
  company: companyReplies,
  mine: personalReplies,
});
