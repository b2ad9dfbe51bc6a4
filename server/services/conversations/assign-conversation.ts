import { and, eq, isNotNull, isNull, ne, sql } from "drizzle-orm";
import type { Database } from "../../../db";
import { conversations, users } from "../../../db/schema";
import { DomainError } from "../../errors";
import type { ServiceContext } from "../context";
import { changed, currentConversation, userName, type ActionResult } from "./conversation-actions";
import { userIdOf } from "./inbox-filters";
import { pickTeamMember } from "./route-conversation";
import { insertSystemNote } from "./system-note";

export type AssignInput = {
  conversationId: string;
  to: { kind: "user"; id: string } | { kind: "team"; id: string };
  /** Who the caller saw assigned (null: nobody). When given, the change happens only if that is still so. */
  expectedAssigneeId?: string | null;
};

/**
 * Assign to a person, or to a team: the team's least busy active member gets it (round robin among equals).
 * The conversation moves to In progress, with a system note naming who got it and who assigned it.
 */
export async function assignConversation({ ctx, input }: { ctx: ServiceContext & { db: Database }; input: AssignInput }): Promise<ActionResult> {
  const actorId = userIdOf(ctx);
  return ctx.db.transaction(async (tx) => {
    const before = await currentConversation(tx, ctx.companyId, input.conversationId);
    let target: { id: string; name: string };
    let team: { id: string; name: string } | null = null;
    if (input.to.kind === "user") {
      const [person] = await tx
        .select({ id: users.id, name: users.name })
        .from(users)
        .where(and(eq(users.id, input.to.id), eq(users.companyId, ctx.companyId), isNull(users.deactivatedAt), isNotNull(users.passwordHash)));
      if (!person) throw new DomainError("not_found", "inbox.error.personNotFound");
      target = person;
    } else {
      const picked = await pickTeamMember(tx, ctx.companyId, input.to.id);
      if (picked === undefined) {
        // Either no such team in this company, or nobody in it who can answer.
        const exists = await tx.execute(sql`select 1 from teams where id = ${input.to.id} and company_id = ${ctx.companyId}`);
        if (exists.length === 0) throw new DomainError("not_found", "inbox.error.teamNotFound");
        return { outcome: { ok: false, reason: "team_empty", by: null }, realtime: [] };
      }
      target = picked.member;
      team = picked.team;
    }
    const expected =
      input.expectedAssigneeId === undefined
        ? undefined
        : input.expectedAssigneeId === null
          ? isNull(conversations.assigneeId)
          : eq(conversations.assigneeId, input.expectedAssigneeId);
    const [assigned] = await tx
      .update(conversations)
      .set({ assigneeId: target.id, status: "in_progress", assignedAt: new Date(), ...(team ? { teamId: team.id } : {}) })
      .where(and(eq(conversations.id, before.id), eq(conversations.companyId, ctx.companyId), ne(conversations.status, "closed"), expected))
      .returning();
    if (!assigned) {
      const now = await currentConversation(tx, ctx.companyId, before.id);
      if (now.status === "closed") return { outcome: { ok: false, reason: "closed", by: null }, realtime: [] };
      return { outcome: { ok: false, reason: "assigned_to", by: await userName(tx, ctx.companyId, now.assigneeId) }, realtime: [] };
    }
    if (before.assigneeId === target.id && before.status === "in_progress" && !team) return { outcome: { ok: true, changed: false }, realtime: [] };
    const by = (await userName(tx, ctx.companyId, actorId)) ?? "";
    const noteId = await insertSystemNote(
      tx,
      assigned,
      team ? { code: "assigned_team", params: { name: target.name, team: team.name, by } } : { code: "assigned", params: { name: target.name, by } },
    );
    return { outcome: { ok: true, changed: true }, realtime: changed(assigned.id, noteId, [{ name: "conversation.assigned", data: { conversationId: assigned.id, assigneeId: target.id } }]) };
  });
}
