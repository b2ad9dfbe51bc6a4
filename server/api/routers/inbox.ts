import { z } from "zod";
import { getThread } from "../../services/conversations/get-thread";
import { listInbox } from "../../services/conversations/list-inbox";
import { replyToConversation } from "../../services/messages/reply-to-conversation";
import { kickJobs } from "../../jobs/runner";
import { publishToCompany } from "../../realtime/publish";
import { companyProcedure, createTRPCRouter } from "../trpc";

export const inboxRouter = createTRPCRouter({
  list: companyProcedure
    .input(z.object({ filter: z.enum(["open", "new", "in_progress", "closed"]).default("open") }))
    .query(({ ctx, input }) => listInbox({ ctx: ctx.service, input })),

  thread: companyProcedure
    .input(z.object({ conversationId: z.uuid() }))
    .query(({ ctx, input }) => getThread({ ctx: ctx.service, input })),

  reply: companyProcedure
    .input(z.object({ conversationId: z.uuid(), text: z.string().trim().max(4096), fileIds: z.array(z.uuid()).max(10).default([]) }))
    .mutation(async ({ ctx, input }) => {
      const { message, realtime } = await replyToConversation({ ctx: ctx.service, input });
      await publishToCompany(ctx.service.companyId, realtime);
      kickJobs();
      return { id: message.id, deliveryStatus: message.deliveryStatus };
    }),
});
