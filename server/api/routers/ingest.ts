import { z } from "zod";
import { listDeadLetters } from "../../services/events/list-dead-letters";
import { retryDeadLetters } from "../../services/events/retry-dead-letters";
import { adminProcedure, createTRPCRouter } from "../trpc";

export const ingestRouter = createTRPCRouter({
  /** Webhook events that could not become messages: a count, reasons in words, the latest ones. */
  deadLetters: adminProcedure
    .input(z.object({ limit: z.number().int().min(1).max(100).default(20) }).default({ limit: 20 }))
    .query(({ ctx, input }) => listDeadLetters({ ctx: ctx.service, input })),
  /** Puts dead letters back in the queue: the given ones, or every one of the company. */
  retry: adminProcedure
    .input(z.object({ eventIds: z.array(z.string().uuid()).min(1).max(100).optional() }))
    .mutation(({ ctx, input }) => retryDeadLetters({ ctx: ctx.service, input })),
});
