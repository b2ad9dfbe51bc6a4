import { z } from "zod";
import { getAttentionScope, getMyAvailability, reportSeen, setMyAvailability } from "../../services/availability/availability";
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

  /** Online / Away: only people online get new conversations from routing. */
  availability: companyProcedure.query(({ ctx }) => getMyAvailability({ ctx: ctx.service })),

  /** "manual": chosen in the nav; "idle" / "active": the browser saw no input for a while, or input again. */
  setAvailability: companyProcedure
    .input(
      z.discriminatedUnion("reason", [
        z.object({ reason: z.literal("manual"), availability: z.enum(["online", "away"]) }),
        z.object({ reason: z.literal("idle"), availability: z.literal("away") }),
        z.object({ reason: z.literal("active"), availability: z.literal("online") }),
      ]),
    )
    .mutation(({ ctx, input }) => setMyAvailability({ ctx: ctx.service, input })),

  /** An open tab says its person is still there (every minute): routing skips people whose tabs went quiet. */
  heartbeat: companyProcedure.mutation(({ ctx }) => reportSeen({ ctx: ctx.service })),

  /** My teams and the lines they serve: which new conversations notify me. */
  attentionScope: companyProcedure.query(({ ctx }) => getAttentionScope({ ctx: ctx.service })),
});
