import { z } from "zod";
import { kickJobs } from "../../queue/kick-jobs";
import { changeRole } from "../../services/people/change-role";
import { deactivatePerson } from "../../services/people/deactivate-person";
import { invitePerson } from "../../services/people/invite-person";
import { listPeople } from "../../services/people/list-people";
import { reactivatePerson } from "../../services/people/reactivate-person";
import { resendInvitation } from "../../services/people/resend-invitation";
import { sendPasswordReset } from "../../services/people/send-password-reset";
import { signOutEverywhere } from "../../services/users/sign-out-everywhere";
import { adminProcedure, createTRPCRouter } from "../trpc";

const role = z.enum(["admin", "operator"]);
const userId = z.object({ userId: z.uuid() });

export const peopleRouter = createTRPCRouter({
  list: adminProcedure.query(({ ctx }) => listPeople({ ctx: ctx.service })),

  /** The invitation email goes out in the company's email language (Settings → Company): the invitee has chosen none yet. */
  invite: adminProcedure
    .input(z.object({ name: z.string().trim().min(1).max(100), email: z.string().trim().toLowerCase().pipe(z.email().max(254)), role }))
    .mutation(async ({ ctx, input }) => {
      const result = await invitePerson({ ctx: ctx.service, input });
      kickJobs();
      return result;
    }),

  resendInvitation: adminProcedure.input(userId).mutation(async ({ ctx, input }) => {
    const result = await resendInvitation({ ctx: ctx.service, input });
    kickJobs();
    return result;
  }),

  changeRole: adminProcedure.input(userId.extend({ role })).mutation(({ ctx, input }) => changeRole({ ctx: ctx.service, input })),

  deactivate: adminProcedure.input(userId).mutation(({ ctx, input }) => deactivatePerson({ ctx: ctx.service, input })),

  reactivate: adminProcedure.input(userId).mutation(({ ctx, input }) => reactivatePerson({ ctx: ctx.service, input })),

  /** A single-use link (1 hour) to choose a new password, in the person's language (else the company's email language). */
  sendPasswordReset: adminProcedure.input(userId).mutation(async ({ ctx, input }) => {
    const result = await sendPasswordReset({ ctx: ctx.service, input });
    kickJobs();
    return result;
  }),

  /** Ends every session of the person at once (a lost laptop, a shared computer). */
  signOutEverywhere: adminProcedure.input(userId).mutation(({ ctx, input }) => signOutEverywhere({ ctx: ctx.service, input })),
});
