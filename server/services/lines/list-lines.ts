import { and, asc, eq, inArray } from "drizzle-orm";
import { channels, lines, teams } from "../../../db/schema";
import type { ServiceContext } from "../context";

/**
 * The company's lines with their default team and their channels (id, name, provider, status): Settings →
 * Lines shows them (seed 001: lines with their Telegram bot), and the channel pages use it to choose a line.
 */
export async function listLines({ ctx }: { ctx: ServiceContext }) {
  const rows = await ctx.db
    .select({ id: lines.id, name: lines.name, defaultTeamId: lines.defaultTeamId, defaultTeamName: teams.name, autoRoute: lines.autoRoute, createdAt: lines.createdAt })
    .from(lines)
    .leftJoin(teams, and(eq(teams.id, lines.defaultTeamId), eq(teams.companyId, ctx.companyId)))
    .where(eq(lines.companyId, ctx.companyId))
    .orderBy(asc(lines.name));
  const ids = rows.map((r) => r.id);
  const lineChannels =
    ids.length === 0
      ? []
      : await ctx.db
          .select({ id: channels.id, lineId: channels.lineId, name: channels.name, provider: channels.provider, status: channels.status })
          .from(channels)
          .where(and(eq(channels.companyId, ctx.companyId), inArray(channels.lineId, ids)))
          .orderBy(asc(channels.provider), asc(channels.name));
  return rows.map((line) => ({
    ...line,
    channels: lineChannels.filter((c) => c.lineId === line.id).map((c) => ({ id: c.id, name: c.name, provider: c.provider, status: c.status })),
  }));
}
