import { and, asc, eq, inArray, isNotNull, isNull, ne, sql } from "drizzle-orm";
import type { Tx } from "../../../db";
import { conversations, lines, teamMembers, teams, users } from "../../../db/schema";
import { isPresent } from "../availability/availability";
import { insertSystemNote } from "./system-note";

type Conversation = typeof conversations.$inferSelect;

/**
 * Picks who in a team gets the next conversation: an active member (signed up, not deactivated) who is Online
 * and whose browser reported in lately (isPresent),
 * with the fewest open conversations; among equals, the one assigned longest ago (round robin). The team row is locked
 * so two conversations routed at once never both go to the same "least busy" person.
 */
export async function pickTeamMember(tx: Tx, companyId: string, teamId: string) {
  const [team] = await tx.select({ id: teams.id, name: teams.name }).from(teams).where(and(eq(teams.id, teamId), eq(teams.companyId, companyId))).for("update");
  if (!team) return undefined;
  const open = tx
    .select({ assigneeId: conversations.assigneeId, open: sql<number>`count(*)::int`.as("open"), last: sql<Date | null>`max(${conversations.assignedAt})`.as("last") })
    .from(conversations)
    .where(and(eq(conversations.companyId, companyId), inArray(conversations.status, ["new", "in_progress"]), isNotNull(conversations.assigneeId)))
    .groupBy(conversations.assigneeId)
    .as("open");
  const [member] = await tx
    .select({ id: users.id, name: users.name })
    .from(teamMembers)
    .innerJoin(users, eq(users.id, teamMembers.userId))
    .leftJoin(open, eq(open.assigneeId, users.id))
    .where(and(eq(teamMembers.teamId, team.id), eq(users.companyId, companyId), isNull(users.deactivatedAt), isNotNull(users.passwordHash), isPresent()))
    .orderBy(sql`coalesce(${open.open}, 0)`, sql`${open.last} asc nulls first`, asc(users.id))
    .limit(1);
  return member ? { team, member } : undefined;
}

/**
 * A new conversation on a line whose admin turned automatic routing on goes at once to a member of the line's
 * default team (In progress), with a system note. Otherwise it waits in New. Runs inside the ingest transaction.
 */
export async function routeNewConversation(tx: Tx, conversation: Conversation): Promise<Conversation> {
  if (!conversation.lineId || conversation.status !== "new" || conversation.handler !== "humans") return conversation;
  const [line] = await tx.select({ autoRoute: lines.autoRoute }).from(lines).where(eq(lines.id, conversation.lineId));
  if (!line?.autoRoute) return conversation;
  return (await routeToLineTeam(tx, conversation))?.conversation ?? conversation;
}

/**
 * Routes an unassigned open conversation to a member of its line's default team (In progress), with a system
 * note: the routing rule itself, whoever triggers it (a new conversation on an auto-routed line, a bot handing
 * the thread over, F10). Undefined when there is no default team, nobody in it can answer, or someone was first.
 * When nobody in the team is online, the conversation stays in New and its thread says so.
 */
export async function routeToLineTeam(tx: Tx, conversation: Conversation): Promise<{ conversation: Conversation; noteId: string; assigneeId: string } | undefined> {
  if (!conversation.lineId || conversation.status === "closed" || conversation.assigneeId) return undefined;
  const [line] = await tx.select({ defaultTeamId: lines.defaultTeamId }).from(lines).where(eq(lines.id, conversation.lineId));
  if (!line?.defaultTeamId) return undefined;
  const picked = await pickTeamMember(tx, conversation.companyId, line.defaultTeamId);
  if (!picked) {
    const [team] = await tx.select({ name: teams.name }).from(teams).where(and(eq(teams.id, line.defaultTeamId), eq(teams.companyId, conversation.companyId)));
    if (team) await insertSystemNote(tx, conversation, { code: "nobody_online", params: { team: team.name } });
    return undefined;
  }
  const [routed] = await tx
    .update(conversations)
    .set({ status: "in_progress", assigneeId: picked.member.id, teamId: picked.team.id, assignedAt: new Date() })
    .where(and(eq(conversations.id, conversation.id), ne(conversations.status, "closed"), isNull(conversations.assigneeId)))
    .returning();
  if (!routed) return undefined;
  const noteId = await insertSystemNote(tx, routed, { code: "routed", params: { name: picked.member.name, team: picked.team.name } });
  return { conversation: routed, noteId, assigneeId: picked.member.id };
}
