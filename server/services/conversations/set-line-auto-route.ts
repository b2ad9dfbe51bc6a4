import { and, eq } from "drizzle-orm";
import { lines } from "../../../db/schema";
import { DomainError, forbidden } from "../../errors";
import type { ServiceContext } from "../context";

/** Admins turn a line's automatic routing on or off: new conversations go straight to its default team. */
export async function setLineAutoRoute({ ctx, input }: { ctx: ServiceContext; input: { lineId: string; autoRoute: boolean } }) {
  if (ctx.actor.kind !== "user" || ctx.actor.role !== "admin") throw forbidden();
  const [line] = await ctx.db
    .update(lines)
    .set({ autoRoute: input.autoRoute })
    .where(and(eq(lines.id, input.lineId), eq(lines.companyId, ctx.companyId)))
    .returning({ id: lines.id, name: lines.name, autoRoute: lines.autoRoute, defaultTeamId: lines.defaultTeamId });
  if (!line) throw new DomainError("not_found", "errors.notFound");
  return line;
}
