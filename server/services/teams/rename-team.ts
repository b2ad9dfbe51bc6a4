import { and, eq } from "drizzle-orm";
import { teams } from "../../../db/schema";
import { notFound } from "../../errors";
import type { ServiceContext } from "../context";
import { teamNameConflict } from "./team-rules";

export async function renameTeam({ ctx, input }: { ctx: ServiceContext; input: { teamId: string; name: string } }) {
  try {
    const [team] = await ctx.db
      .update(teams)
      .set({ name: input.name.trim() })
      .where(and(eq(teams.id, input.teamId), eq(teams.companyId, ctx.companyId)))
      .returning({ id: teams.id, name: teams.name });
    if (!team) throw notFound("team");
    return team;
  } catch (error) {
    return teamNameConflict(error);
  }
}
