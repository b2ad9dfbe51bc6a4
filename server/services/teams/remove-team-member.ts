import { and, eq } from "drizzle-orm";
import { teamMembers, users } from "../../../db/schema";
import { notFound } from "../../errors";
import type { ServiceContext } from "../context";
import { findCompanyTeam } from "./team-rules";

export async function removeTeamMember({ ctx, input }: { ctx: ServiceContext; input: { teamId: string; userId: string } }) {
  return ctx.db.transaction(async (tx) => {
    const team = await findCompanyTeam(tx, ctx.companyId, input.teamId);
    const [user] = await tx.select({ id: users.id, name: users.name }).from(users).where(and(eq(users.id, input.userId), eq(users.companyId, ctx.companyId)));
    if (!user) throw notFound("user");
    await tx.delete(teamMembers).where(and(eq(teamMembers.teamId, team.id), eq(teamMembers.userId, user.id)));
    return { teamId: team.id, teamName: team.name, userId: user.id, userName: user.name };
  });
}
