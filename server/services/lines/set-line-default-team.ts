import { and, eq } from "drizzle-orm";
import { lines } from "../../../db/schema";
import { notFound } from "../../errors";
import type { ServiceContext } from "../context";
import { findCompanyTeam } from "../teams/team-rules";

/** Which team a line's new conversations go to; null for none. The team must be the company's own. */
export async function setLineDefaultTeam({ ctx, input }: { ctx: ServiceContext; input: { lineId: string; teamId: string | null } }) {
  return ctx.db.transaction(async (tx) => {
    const team = input.teamId ? await findCompanyTeam(tx, ctx.companyId, input.teamId) : null;
    const [line] = await tx
      .update(lines)
      .set({ defaultTeamId: team?.id ?? null })
      .where(and(eq(lines.id, input.lineId), eq(lines.companyId, ctx.companyId)))
      .returning({ id: lines.id, name: lines.name, defaultTeamId: lines.defaultTeamId });
    if (!line) throw notFound("line");
    return { ...line, defaultTeamName: team?.name ?? null };
  });
}
