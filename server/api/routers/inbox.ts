import { z } from "zod";
import { getContactErasure, listAuditEvents, requestContactErasure, requestPersonErasure } from "../../services/contacts/erase-contact";
import { setConversationContactBanned } from "../../services/contacts/set-conversation-contact-banned";
import { assignConversation } from "../../services/conversations/assign-conversation";
import { closeConversation } from "../../services/conversations/close-conversation";
import { countInbox } from "../../services/conversations/count-inbox";
import { getThread } from "../../services/conversations/get-thread";
import { CURSOR_RE, PROVIDERS } from "../../services/conversations/inbox-filters";
import { listInbox } from "../../services/conversations/list-inbox";
import { listInboxOptions } from "../../services/conversations/list-inbox-options";
import { markConversationRead } from "../../services/conversations/mark-conversation-read";
import { passToBot } from "../../services/conversations/pass-to-bot";
import { reopenConversation } from "../../services/conversations/reopen-conversation";
import { setLineAutoRoute } from "../../services/conversations/set-line-auto-route";
import { takeConversation } from "../../services/conversations/take-conversation";
import { replyToConversation } from "../../services/messages/reply-to-conversation";
import { sendAgain } from "../../services/sends/send-again";
import { kickJobs } from "../../queue/kick-jobs";
import { publishToCompany } from "../../realtime/publish";
import { adminProcedure, companyProcedure, createTRPCRouter } from "../trpc";
import { notesRouter } from "./notes";

const cursor = z.string().regex(CURSOR_RE);
const filters = {
  lineId: z.uuid().optional(),
  channelId: z.uuid().optional(),
  provider: z.enum(PROVIDERS).optional(),
  assigneeId: z.union([z.uuid(), z.literal("none")]).optional(),
  teamId: z.uuid().optional(),
  q: z.string().trim().max(200).optional(),
};
const tab = z.enum(["open", "new", "in_progress", "closed", "mine"]);
const byId = z.object({ conversationId: z.uuid() });

export const inboxRouter = createTRPCRouter({
  /** One keyset page; no input: the first page of open conversations. Next page: `cursor` = the last row's. */
  list: companyProcedure
    .input(z.object({ filter: tab.optional(), tab: tab.optional(), ...filters, cursor: cursor.nullish(), limit: z.number().int().min(1).max(100).optional() }).optional())
    .query(({ ctx, input }) => listInbox({ ctx: ctx.service, input: input ?? {} })),

  /** Each tab's count with the same filters and search. */
  counts: companyProcedure.input(z.object(filters).optional()).query(({ ctx, input }) => countInbox({ ctx: ctx.service, input: input ?? {} })),

  /** Lines, channels, teams and people for the filters and the Assign menu. */
  options: companyProcedure.query(({ ctx }) => listInboxOptions({ ctx: ctx.service })),

  /** Only `{ conversationId }`: the newest page. Older pages: `before` = the page's `olderCursor`. */
  thread: companyProcedure
    // `cursor` is `before` under the name infinite queries use.
    .input(z.object({ conversationId: z.uuid(), before: cursor.nullish(), cursor: cursor.nullish(), limit: z.number().int().min(1).max(200).optional() }))
    .query(({ ctx, input }) => getThread({ ctx: ctx.service, input: { conversationId: input.conversationId, before: input.before ?? input.cursor, limit: input.limit } })),

  markRead: companyProcedure.input(byId).mutation(({ ctx, input }) => markConversationRead({ ctx: ctx.service, input })),

  reply: companyProcedure
    .input(z.object({ conversationId: z.uuid(), text: z.string().trim().max(4096), fileIds: z.array(z.uuid()).max(10).default([]) }))
    .mutation(async ({ ctx, input }) => {
      const { message, realtime } = await replyToConversation({ ctx: ctx.service, input });
      await publishToCompany(ctx.service.companyId, realtime);
      kickJobs();
      return { id: message.id, deliveryStatus: message.deliveryStatus };
    }),

  /** "Send again" on a reply that may not have been delivered (its send was interrupted). */
  sendAgain: companyProcedure.input(z.object({ messageId: z.uuid() })).mutation(async ({ ctx, input }) => {
    const { realtime, ...result } = await sendAgain({ ctx: ctx.service, input });
    await publishToCompany(ctx.service.companyId, realtime);
    kickJobs();
    return result;
  }),

  take: companyProcedure.input(byId).mutation(async ({ ctx, input }) => {
    const { outcome, realtime } = await takeConversation({ ctx: ctx.service, input });
    await publishToCompany(ctx.service.companyId, realtime);
    return outcome;
  }),

  assign: companyProcedure
    .input(
      z.object({
        conversationId: z.uuid(),
        to: z.discriminatedUnion("kind", [z.object({ kind: z.literal("user"), id: z.uuid() }), z.object({ kind: z.literal("team"), id: z.uuid() })]),
        expectedAssigneeId: z.uuid().nullable().optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const { outcome, realtime } = await assignConversation({ ctx: ctx.service, input });
      await publishToCompany(ctx.service.companyId, realtime);
      return outcome;
    }),

  close: companyProcedure.input(byId).mutation(async ({ ctx, input }) => {
    const { outcome, realtime } = await closeConversation({ ctx: ctx.service, input });
    await publishToCompany(ctx.service.companyId, realtime);
    return outcome;
  }),

  reopen: companyProcedure.input(byId).mutation(async ({ ctx, input }) => {
    const { outcome, realtime } = await reopenConversation({ ctx: ctx.service, input });
    await publishToCompany(ctx.service.companyId, realtime);
    return outcome;
  }),

  /** F10: hand the customer's Meta thread back to the Page's bot (Graph pass_thread_control). */
  passToBot: companyProcedure.input(byId).mutation(async ({ ctx, input }) => {
    const { outcome, realtime } = await passToBot({ ctx: ctx.service, input });
    await publishToCompany(ctx.service.companyId, realtime);
    return outcome;
  }),

  /** Admins: ban or unban the conversation's contact (F7). */
  setBanned: adminProcedure.input(z.object({ conversationId: z.uuid(), banned: z.boolean() })).mutation(async ({ ctx, input }) => {
    const { realtime } = await setConversationContactBanned({ ctx: ctx.service, input });
    await publishToCompany(ctx.service.companyId, realtime);
    return { banned: input.banned };
  }),

  /** Admins: erase the conversation's contact and everything of theirs (a GDPR erasure request), as a durable job. */
  eraseContact: adminProcedure.input(byId).mutation(({ ctx, input }) => requestContactErasure({ ctx: ctx.service, input })),

  /**
   * Admins: erase every contact of the person of the conversation's contact (contacts merged across channels), as
   * one request: one durable erasure per contact.
   */
  erasePerson: adminProcedure.input(byId).mutation(({ ctx, input }) => requestPersonErasure({ ctx: ctx.service, input })),

  /** Admins: how an erasure (one contact's, or a person's by its request id) is getting on. */
  erasure: adminProcedure.input(z.object({ erasureId: z.uuid() })).query(({ ctx, input }) => getContactErasure({ ctx: ctx.service, input })),

  /** Admins: the audit log (who erased a contact, and when; nothing of the content). */
  auditEvents: adminProcedure.input(z.object({ limit: z.number().int().min(1).max(200).optional() }).optional()).query(({ ctx, input }) => listAuditEvents({ ctx: ctx.service, input: input ?? {} })),

  /** Admins: a line's new conversations go straight to its default team. */
  setLineAutoRoute: adminProcedure
    .input(z.object({ lineId: z.uuid(), autoRoute: z.boolean() }))
    .mutation(({ ctx, input }) => setLineAutoRoute({ ctx: ctx.service, input })),

  /** Private notes and @mentions (./notes.ts). */
  notes: notesRouter,
});
