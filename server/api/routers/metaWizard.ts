import { z } from "zod";
import { diagnoseHandover } from "../../reauth/handover";
import { cancelWizard, completeWizard, getWizard, startWizard, submitStep, verifyStep } from "../../reauth/wizard";
import { STEPS } from "../../reauth/machine";
import { adminProcedure, createTRPCRouter } from "../trpc";

const id = z.string().min(1).max(64);
const attempt = z.object({ attemptId: id });
const ids = z.array(z.string().min(1).max(64)).max(200);
const line = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("existing"), lineId: id }),
  z.object({ kind: z.literal("new"), name: z.string().trim().min(1).max(100) }),
]);

/** One step's answer: what the admin chose on it (the server checks it against the Graph API). */
const step = z.discriminatedUnion("step", [
  z.object({ step: z.literal("connect"), rerequest: z.boolean().optional() }),
  z.object({ step: z.literal("profile") }),
  z.object({ step: z.literal("instagram"), ids }),
  z.object({ step: z.literal("pages"), ids, line: line.optional() }),
  z.object({ step: z.literal("permissions") }),
  z.object({ step: z.literal("reconnect") }),
  z.object({ step: z.literal("restart"), channelId: id }),
  z.object({ step: z.literal("back"), to: z.enum(STEPS) }),
]);

/**
 * The Meta re-authorization wizard (F3): admins only, scoped to their company; every procedure calls
 * server/reauth, which keeps the state in reconnect_attempts so that the wizard resumes where it stopped.
 */
export const metaWizardRouter = createTRPCRouter({
  /** From a channel's "Update permissions" (reauthorize) or "Connect with Facebook" (connect); resumes an unfinished one. */
  start: adminProcedure
    .input(z.object({ mode: z.enum(["reauthorize", "connect"]), channelId: id.optional() }))
    .mutation(({ ctx, input }) => startWizard({ ctx: ctx.service, input })),
  get: adminProcedure.input(attempt).query(({ ctx, input }) => getWizard({ ctx: ctx.service, input })),
  submitStep: adminProcedure.input(z.intersection(attempt, step)).mutation(({ ctx, input }) => submitStep({ ctx: ctx.service, input })),
  verify: adminProcedure.input(attempt).mutation(({ ctx, input }) => verifyStep({ ctx: ctx.service, input })),
  complete: adminProcedure.input(attempt).mutation(({ ctx, input }) => completeWizard({ ctx: ctx.service, input })),
  cancel: adminProcedure.input(attempt).mutation(({ ctx, input }) => cancelWizard({ ctx: ctx.service, input })),
  /** A Messenger Page's handover diagnostics (F11): who controls its threads, which apps share it. */
  handover: adminProcedure.input(z.object({ channelId: id })).query(({ ctx, input }) => diagnoseHandover({ ctx: ctx.service, input })),
});
