import { and, asc, eq, inArray } from "drizzle-orm";
import { teamMembers, teams, users } from "../../../db/schema";
import type { ServiceContext } from "../context";
import { personStatus } from "../people/people-rules";

/** The company's teams with their members (name, email, role, status). */
export async function listTeams({ ctx }: { ctx: ServiceContext }) {
  const rows = await ctx.db.select({ id: teams.id, name: teams.name, createdAt: teams.createdAt }).from(teams).where(eq(teams.companyId, ctx.companyId)).orderBy(asc(teams.name));
  const ids = rows.map((r) => r.id);
  const members =
    ids.length === 0
      ? []
      : await ctx.db
          .select({ teamId: teamMembers.teamId, id: users.id, name: users.name, email: users.email, role: users.role, passwordHash: users.passwordHash, deactivatedAt: users.deactivatedAt })
          .from(teamMembers)
          .innerJoin(users, and(eq(users.id, teamMembers.userId), eq(users.companyId, ctx.companyId)))
          .where(inArray(teamMembers.teamId, ids))
          .orderBy(asc(users.name));
  return rows.map((team) => ({
    ...team,
    members: members
      .filter((m) => m.teamId === team.id)
      .map((m) => ({ id: m.id, name: m.name, email: m.email, role: m.role, status: personStatus(m) })),
  }));
}
