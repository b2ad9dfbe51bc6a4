import { eq } from "drizzle-orm";
import { users } from "../../../db/schema";
import { DomainError } from "../../errors";
import type { ServiceContext } from "../context";
import { actingUserId, assertAnotherActiveAdmin, lockCompanyUser } from "./people-rules";

/**
 * Deactivates someone: sign-in refuses them and their open sessions end at once, because every request
 * (tRPC, pages, realtime auth) re-reads the user through getSessionUser. Not oneself, not the last active admin.
 */
export async function deactivatePerson({ ctx, input }: { ctx: ServiceContext; input: { userId: string } }) {
  const self = actingUserId(ctx);
  if (input.userId === self) throw new DomainError("precondition_failed", "people.errors.selfDeactivate");
  return ctx.db.transaction(async (tx) => {
    const user = await lockCompanyUser(tx, ctx.companyId, input.userId);
    if (user.deactivatedAt) return { id: user.id, name: user.name, deactivatedAt: user.deactivatedAt };
    if (user.role === "admin") await assertAnotherActiveAdmin(tx, ctx.companyId, user.id);
    const [updated] = await tx
      .update(users)
      .set({ deactivatedAt: new Date() })
      .where(eq(users.id, user.id))
      .returning({ id: users.id, name: users.name, deactivatedAt: users.deactivatedAt });
    return updated!;
  });
}
