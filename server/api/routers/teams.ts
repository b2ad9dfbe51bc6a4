import { z } from "zod";
import { addTeamMember } from "../../services/teams/add-team-member";
import { createTeam } from "../../services/teams/create-team";
import { deleteTeam } from "../../services/teams/delete-team";
import { listTeams } from "../../services/teams/list-teams";
import { removeTeamMember } from "../../services/teams/remove-team-member";
import { renameTeam } from "../../services/teams/rename-team";
import { adminProcedure, createTRPCRouter } from "../trpc";

const name = z.string().trim().min(1).max(100);
const teamId = z.uuid();

export const teamsRouter = createTRPCRouter({
  list: adminProcedure.query(({ ctx }) => listTeams({ ctx: ctx.service })),
  create: adminProcedure.input(z.object({ name })).mutation(({ ctx, input }) => createTeam({ ctx: ctx.service, input })),
  rename: adminProcedure.input(z.object({ teamId, name })).mutation(({ ctx, input }) => renameTeam({ ctx: ctx.service, input })),
  delete: adminProcedure.input(z.object({ teamId })).mutation(({ ctx, input }) => deleteTeam({ ctx: ctx.service, input })),
  addMember: adminProcedure.input(z.object({ teamId, userId: z.uuid() })).mutation(({ ctx, input }) => addTeamMember({ ctx: ctx.service, input })),
  removeMember: adminProcedure.input(z.object({ teamId, userId: z.uuid() })).mutation(({ ctx, input }) => removeTeamMember({ ctx: ctx.service, input })),
});
