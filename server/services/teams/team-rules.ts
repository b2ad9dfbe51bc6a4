import { and, eq } from "drizzle-orm";
import type { DbOrTx } from "../../../db";
import { teams } from "../../../db/schema";
import { DomainError, notFound } from "../../errors";
import { isUniqueViolation } from "../users/unique-violation";

/** A team of the caller's company; another company's id is "not found". */
export async function findCompanyTeam(db: DbOrTx, companyId: string, teamId: string) {
  const [team] = await db.select().from(teams).where(and(eq(teams.id, teamId), eq(teams.companyId, companyId)));
  if (!team) throw notFound("team");
  return team;
}

/** Team names are unique within a company: the index says so, and so do we, in words. */
export function teamNameConflict(error: unknown): never {
  if (isUniqueViolation(error, "teams_company_name_unique")) throw new DomainError("conflict", "people.teams.errors.nameTaken");
  throw error;
}
