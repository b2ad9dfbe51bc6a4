import { z } from "zod";
import { changePassword } from "../../services/users/change-password";
import { MAX_PASSWORD_LENGTH } from "../../services/users/set-password-with-token";
import { signOutEverywhere } from "../../services/users/sign-out-everywhere";
import { companyProcedure, createTRPCRouter } from "../trpc";

/** The signed-in person's own account: any role. */
export const accountRouter = createTRPCRouter({
  changePassword: companyProcedure
    .input(z.object({ current: z.string().min(1).max(MAX_PASSWORD_LENGTH), next: z.string().max(MAX_PASSWORD_LENGTH) }))
    .mutation(({ ctx, input }) => changePassword({ ctx: ctx.service, input })),

  /** Every session of mine ends, this one too: the page then goes to sign-in. */
  signOutEverywhere: companyProcedure.mutation(({ ctx }) => signOutEverywhere({ ctx: ctx.service, input: { userId: ctx.user.id } })),
});
