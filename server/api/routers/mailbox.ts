import { z } from "zod";
import { getEmail } from "../../services/email/get-email";
import { listEmails } from "../../services/email/list-emails";
import { adminProcedure, createTRPCRouter } from "../trpc";

export const mailboxRouter = createTRPCRouter({
  list: adminProcedure.query(({ ctx }) => listEmails({ ctx: ctx.service })),
  get: adminProcedure.input(z.object({ emailId: z.uuid() })).query(({ ctx, input }) => getEmail({ ctx: ctx.service, input })),
});
