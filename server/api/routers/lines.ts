import { z } from "zod";
import { createLine } from "../../services/lines/create-line";
import { deleteLine } from "../../services/lines/delete-line";
import { listLines } from "../../services/lines/list-lines";
import { renameLine } from "../../services/lines/rename-line";
import { setLineDefaultTeam } from "../../services/lines/set-line-default-team";
import { adminProcedure, createTRPCRouter } from "../trpc";

const name = z.string().trim().min(1).max(100);
const lineId = z.uuid();

export const linesRouter = createTRPCRouter({
  /** Lines with their default team and channels (id, name, provider, status); the channel pages choose a line from it. */
  list: adminProcedure.query(({ ctx }) => listLines({ ctx: ctx.service })),
  create: adminProcedure.input(z.object({ name, defaultTeamId: z.uuid().nullable().optional() })).mutation(({ ctx, input }) => createLine({ ctx: ctx.service, input })),
  rename: adminProcedure.input(z.object({ lineId, name })).mutation(({ ctx, input }) => renameLine({ ctx: ctx.service, input })),
  setDefaultTeam: adminProcedure.input(z.object({ lineId, teamId: z.uuid().nullable() })).mutation(({ ctx, input }) => setLineDefaultTeam({ ctx: ctx.service, input })),
  delete: adminProcedure.input(z.object({ lineId })).mutation(({ ctx, input }) => deleteLine({ ctx: ctx.service, input })),
});
