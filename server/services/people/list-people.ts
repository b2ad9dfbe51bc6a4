import { asc, eq } from "drizzle-orm";
import { users } from "../../../db/schema";
import type { ServiceContext } from "../context";
import { personStatus } from "./people-rules";

/** Everyone in the company, for People and the team member picker: never a password hash. */
export async function listPeople({ ctx }: { ctx: ServiceContext }) {
  const rows = await ctx.db
    .select({ id: users.id, name: users.name, email: users.email, role: users.role, passwordHash: users.passwordHash, deactivatedAt: users.deactivatedAt, createdAt: users.createdAt })
    .from(users)
    .where(eq(users.companyId, ctx.companyId))
    .orderBy(asc(users.name), asc(users.email));
  const self = ctx.actor.kind === "user" ? ctx.actor.userId : null;
  return rows.map(({ passwordHash, ...u }) => ({ ...u, status: personStatus({ passwordHash, deactivatedAt: u.deactivatedAt }), isSelf: u.id === self }));
}
