import { and, eq, gt, inArray, isNull, lt, or, sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "../../../db";
import { lines, teamMembers, teams, users } from "../../../db/schema";
import { DomainError, notFound } from "../../errors";
import { SEEN_WITHIN_MS } from "../../realtime/presence";
import { publishToCompany } from "../../realtime/publish";
import type { ServiceContext } from "../context";

export type Availability = "online" | "away";

/**
 * Why availability changes: the person chose it ("manual"); the browser saw no input for a while ("idle"); they
 * came back after an idle away ("active": only then, so a chosen Away is never undone by moving the mouse);
 * they signed out ("sign_out": away, and the next sign-in brings them back).
 */
export type AvailabilityChange = { availability: "online" | "away"; reason: "manual" } | { availability: "away"; reason: "idle" } | { availability: "online"; reason: "active" };

export type AvailabilityState = { availability: Availability; changedAt: Date; auto: boolean };

const seenSince = sql`now() - make_interval(secs => ${SEEN_WITHIN_MS / 1000})`;

/**
 * Who can take a conversation now: Online, and one of their tabs reported in within SEEN_WITHIN_MS. Someone who
 * closed the laptop without signing out is still "online" in the row until the sweep runs, but never routed to.
 */
export function isPresent(): SQL {
  return and(eq(users.availability, "online"), gt(users.lastSeenAt, seenSince))!;
}

function userIdOf(ctx: ServiceContext): string {
  if (ctx.actor.kind !== "user") throw new DomainError("forbidden", "errors.forbidden");
  return ctx.actor.userId;
}

export async function getMyAvailability({ ctx }: { ctx: ServiceContext }): Promise<AvailabilityState> {
  const [row] = await ctx.db
    .select({ availability: users.availability, changedAt: users.availabilityChangedAt, auto: users.availabilityAuto })
    .from(users)
    .where(and(eq(users.id, userIdOf(ctx)), eq(users.companyId, ctx.companyId)));
  if (!row) throw notFound("user");
  return row;
}

/**
 * Sets the caller's own availability. An idle away applies only to someone online, and "active" only undoes an
 * automatic away: two tabs racing (one idle, one just used) never override a choice the person made.
 */
export async function setMyAvailability({ ctx, input }: { ctx: ServiceContext; input: AvailabilityChange }): Promise<AvailabilityState & { changed: boolean }> {
  const userId = userIdOf(ctx);
  const guard =
    input.reason === "idle" ? eq(users.availability, "online") : input.reason === "active" ? and(eq(users.availability, "away"), eq(users.availabilityAuto, true)) : undefined;
  const [row] = await ctx.db
    .update(users)
    .set({ availability: input.availability, availabilityAuto: input.reason === "idle", availabilityChangedAt: new Date(), lastSeenAt: sql`now()` })
    .where(and(eq(users.id, userId), eq(users.companyId, ctx.companyId), guard))
    .returning({ availability: users.availability, changedAt: users.availabilityChangedAt, auto: users.availabilityAuto });
  if (!row) return { ...(await reportSeen({ ctx })), changed: false };
  await publishToCompany(ctx.companyId, [{ name: "user.availability_changed", data: { userId, availability: row.availability } }]);
  return { ...row, changed: true };
}

/**
 * An open tab reporting in (every HEARTBEAT_MS, and when it becomes visible or the network returns): the person
 * is still there. Answers their availability, so a tab that slept learns it was made Away meanwhile.
 */
export async function reportSeen({ ctx }: { ctx: ServiceContext }): Promise<AvailabilityState> {
  const [row] = await ctx.db
    .update(users)
    .set({ lastSeenAt: sql`now()` })
    .where(and(eq(users.id, userIdOf(ctx)), eq(users.companyId, ctx.companyId)))
    .returning({ availability: users.availability, changedAt: users.availabilityChangedAt, auto: users.availabilityAuto });
  if (!row) throw notFound("user");
  return row;
}

/**
 * People Online whose tabs stopped reporting in (browser closed, laptop asleep, network gone) become Away
 * automatically, so the team sees it and their next input or sign-in brings them back. Run every minute, for
 * every company (one company's only, when given).
 */
export async function sweepUnseen(db: DbOrTx, scope: { companyId?: string } = {}): Promise<number> {
  const gone = await db
    .update(users)
    .set({ availability: "away", availabilityAuto: true, availabilityChangedAt: new Date() })
    .where(
      and(
        eq(users.availability, "online"),
        isNull(users.deactivatedAt),
        or(isNull(users.lastSeenAt), lt(users.lastSeenAt, seenSince)),
        scope.companyId ? eq(users.companyId, scope.companyId) : undefined,
      ),
    )
    .returning({ id: users.id, companyId: users.companyId });
  const byCompany = new Map<string, string[]>();
  for (const g of gone) byCompany.set(g.companyId, [...(byCompany.get(g.companyId) ?? []), g.id]);
  for (const [companyId, ids] of byCompany) {
    await publishToCompany(
      companyId,
      ids.map((userId) => ({ name: "user.availability_changed" as const, data: { userId, availability: "away" as const } })),
    );
  }
  return gone.length;
}

/** Signing out makes a person Away (automatically: signing in again brings them back online). */
export async function markSignedOutAway(db: DbOrTx, userId: string): Promise<void> {
  const [row] = await db
    .update(users)
    .set({ availability: "away", availabilityAuto: true, availabilityChangedAt: new Date() })
    .where(and(eq(users.id, userId), eq(users.availability, "online")))
    .returning({ companyId: users.companyId });
  if (row) await publishToCompany(row.companyId, [{ name: "user.availability_changed", data: { userId, availability: "away" } }]);
}

/** Signing in brings back someone who went away automatically (idle, gone or signed out); a chosen Away stays. */
export async function markSignedInOnline(db: DbOrTx, userId: string): Promise<void> {
  await db.update(users).set({ lastSeenAt: sql`now()` }).where(eq(users.id, userId));
  const [row] = await db
    .update(users)
    .set({ availability: "online", availabilityAuto: false, availabilityChangedAt: new Date() })
    .where(and(eq(users.id, userId), eq(users.availability, "away"), eq(users.availabilityAuto, true), isNull(users.deactivatedAt)))
    .returning({ companyId: users.companyId });
  if (row) await publishToCompany(row.companyId, [{ name: "user.availability_changed", data: { userId, availability: "online" } }]);
}

/**
 * What the signed-in person's notifications cover: the teams they are in and the lines those teams serve (a new
 * conversation there notifies them), with their own id (what is assigned to them, who is mentioned).
 */
export async function getAttentionScope({ ctx }: { ctx: ServiceContext }): Promise<{ userId: string; teamIds: string[]; lineIds: string[] }> {
  const userId = userIdOf(ctx);
  const mine = await ctx.db
    .select({ id: teams.id })
    .from(teamMembers)
    .innerJoin(teams, eq(teams.id, teamMembers.teamId))
    .where(and(eq(teamMembers.userId, userId), eq(teams.companyId, ctx.companyId)));
  const teamIds = mine.map((t) => t.id);
  const served = teamIds.length
    ? await ctx.db.select({ id: lines.id }).from(lines).where(and(eq(lines.companyId, ctx.companyId), inArray(lines.defaultTeamId, teamIds)))
    : [];
  return { userId, teamIds, lineIds: served.map((l) => l.id) };
}
