import { and, eq } from "drizzle-orm";
import { teams } from "../../../db/schema";
import { notFound } from "../../errors";
import type { ServiceContext } from "../context";

/**
 * Deletes a team. Its memberships go with it; lines that used it as their default team and conversations
 * assigned to it keep going, with no team (the foreign keys set null).
 */
export async function deleteTeam({ ctx, input }: { ctx: ServiceContext; input: { teamId: string } }) {
  const [team] = await ctx.db
    .delete(teams)
    .where(and(eq(teams.id, input.teamId), eq(teams.companyId, ctx.companyId)))
    .returning({ id: teams.id, name: teams.name });
  if (!team) throw notFound("team");
  return team;
}
