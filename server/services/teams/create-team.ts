import { teams } from "../../../db/schema";
import type { ServiceContext } from "../context";
import { teamNameConflict } from "./team-rules";

export async function createTeam({ ctx, input }: { ctx: ServiceContext; input: { name: string } }) {
  try {
    const [team] = await ctx.db.insert(teams).values({ companyId: ctx.companyId, name: input.name.trim() }).returning({ id: teams.id, name: teams.name });
    return team!;
  } catch (error) {
    return teamNameConflict(error);
  }
}
