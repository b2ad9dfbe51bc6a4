import { lines } from "../../../db/schema";
import type { ServiceContext } from "../context";
import { findCompanyTeam } from "../teams/team-rules";
import { lineNameConflict } from "./line-rules";

export async function createLine({ ctx, input }: { ctx: ServiceContext; input: { name: string; defaultTeamId?: string | null } }) {
  if (input.defaultTeamId) await findCompanyTeam(ctx.db, ctx.companyId, input.defaultTeamId);
  try {
    const [line] = await ctx.db
      .insert(lines)
      .values({ companyId: ctx.companyId, name: input.name.trim(), defaultTeamId: input.defaultTeamId ?? null })
      .returning({ id: lines.id, name: lines.name, defaultTeamId: lines.defaultTeamId });
    return line!;
  } catch (error) {
    return lineNameConflict(error);
  }
}
