import { and, asc, eq, isNotNull, isNull, sql } from "drizzle-orm";
import { channels, lines, teams, users } from "../../../db/schema";
import { isPresent } from "../availability/availability";
import type { ServiceContext } from "../context";

/**
 * What the inbox filters and the Assign menu offer: the company's lines, channels, teams and active people (and
 * whether each is present: Online with a browser open, so routing would pick them); and who asks.
 */
export async function listInboxOptions({ ctx }: { ctx: ServiceContext }) {
  const [lineRows, channelRows, teamRows, people] = await Promise.all([
    ctx.db.select({ id: lines.id, name: lines.name, autoRoute: lines.autoRoute }).from(lines).where(eq(lines.companyId, ctx.companyId)).orderBy(asc(lines.name)),
    ctx.db
      .select({ id: channels.id, name: channels.name, provider: channels.provider, status: channels.status })
      .from(channels)
      .where(eq(channels.companyId, ctx.companyId))
      .orderBy(asc(channels.provider), asc(channels.name)),
    ctx.db.select({ id: teams.id, name: teams.name }).from(teams).where(eq(teams.companyId, ctx.companyId)).orderBy(asc(teams.name)),
    ctx.db
      .select({ id: users.id, name: users.name, role: users.role, present: sql<boolean>`coalesce(${isPresent()}, false)` })
      .from(users)
      .where(and(eq(users.companyId, ctx.companyId), isNull(users.deactivatedAt), isNotNull(users.passwordHash)))
      .orderBy(asc(users.name)),
  ]);
  const me = ctx.actor.kind === "user" ? { id: ctx.actor.userId, role: ctx.actor.role } : null;
  return { me, lines: lineRows, channels: channelRows, teams: teamRows, people };
}
