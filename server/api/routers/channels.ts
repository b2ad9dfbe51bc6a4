import { z } from "zod";
import { hasDisconnectedChannel, listChannels } from "../../services/channels/list-channels";
import { adminProcedure, companyProcedure, createTRPCRouter } from "../trpc";

export const channelsRouter = createTRPCRouter({
  list: adminProcedure
    .input(z.object({ includeStopped: z.boolean().default(false) }))
    .query(({ ctx, input }) => listChannels({ ctx: ctx.service, input })),

  /** The red dot next to Settings: visible to admins, who can act on it. */
  needsAttention: companyProcedure.query(async ({ ctx }) =>
    ctx.user.role === "admin" ? hasDisconnectedChannel({ ctx: ctx.service }) : false,
  ),
});
