import { eq } from "drizzle-orm";
import { users } from "../../../db/schema";
import { DomainError } from "../../errors";
import { terminateSessionSockets } from "../../realtime/publish";
import { endUserSessions } from "../sessions/end-sessions";
import type { ServiceContext } from "../context";
import { actingUserId, assertAnotherActiveAdmin, lockCompanyUser } from "./people-rules";

/**
 * Deactivates someone: sign-in refuses them, their sessions end (so a reactivation does not bring an old cookie
 * back to life) and their realtime sockets are closed. Not oneself, not the last active admin.
 */
export async function deactivatePerson({ ctx, input }: { ctx: ServiceContext; input: { userId: string } }) {
  const self = actingUserId(ctx);
  if (input.userId === self) throw new DomainError("precondition_failed", "people.errors.selfDeactivate");
  const result = await ctx.db.transaction(async (tx) => {
    const user = await lockCompanyUser(tx, ctx.companyId, input.userId);
    if (user.deactivatedAt) return { person: { id: user.id, name: user.name, deactivatedAt: user.deactivatedAt }, ended: [] };
    if (user.role === "admin") await assertAnotherActiveAdmin(tx, ctx.companyId, user.id);
    const [updated] = await tx
      .update(users)
      .set({ deactivatedAt: new Date() })
      .where(eq(users.id, user.id))
      .returning({ id: users.id, name: users.name, deactivatedAt: users.deactivatedAt });
    const ended = await endUserSessions(tx, { companyId: ctx.companyId, userId: user.id, reason: "deactivated" });
    return { person: updated!, ended };
  });
  await terminateSessionSockets(result.ended);
  return result.person;
}
