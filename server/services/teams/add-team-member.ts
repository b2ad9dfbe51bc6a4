import { and, eq } from "drizzle-orm";
import { teamMembers, users } from "../../../db/schema";
import { DomainError, notFound } from "../../errors";
import type { ServiceContext } from "../context";
import { findCompanyTeam } from "./team-rules";

/** Adds an operator or admin of the company to one of its teams; adding someone twice changes nothing. */
export async function addTeamMember({ ctx, input }: { ctx: ServiceContext; input: { teamId: string; userId: string } }) {
  return ctx.db.transaction(async (tx) => {
    const team = await findCompanyTeam(tx, ctx.companyId, input.teamId);
    const [user] = await tx
      .select({ id: users.id, name: users.name, deactivatedAt: users.deactivatedAt })
      .from(users)
      .where(and(eq(users.id, input.userId), eq(users.companyId, ctx.companyId)));
    if (!user) throw notFound("user");
    if (user.deactivatedAt) throw new DomainError("precondition_failed", "people.teams.errors.memberDeactivated");
    await tx.insert(teamMembers).values({ teamId: team.id, userId: user.id }).onConflictDoNothing();
    return { teamId: team.id, teamName: team.name, userId: user.id, userName: user.name };
  });
}
