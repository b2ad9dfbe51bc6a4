import { eq } from "drizzle-orm";
import { users } from "../../../db/schema";
import { DomainError } from "../../errors";
import type { ServiceContext } from "../context";
import { actingUserId, assertAnotherActiveAdmin, lockCompanyUser } from "./people-rules";

/**
 * Makes someone an admin or an operator. An admin cannot change their own role, and the company's last active
 * admin cannot be made an operator. The new role applies on their next request (sessions re-read the user).
 */
export async function changeRole({ ctx, input }: { ctx: ServiceContext; input: { userId: string; role: "admin" | "operator" } }) {
  const self = actingUserId(ctx);
  if (input.userId === self) throw new DomainError("precondition_failed", "people.errors.selfDemote");
  return ctx.db.transaction(async (tx) => {
    const user = await lockCompanyUser(tx, ctx.companyId, input.userId);
    if (user.role === input.role) return { id: user.id, name: user.name, role: user.role };
    if (user.role === "admin") await assertAnotherActiveAdmin(tx, ctx.companyId, user.id);
    const [updated] = await tx.update(users).set({ role: input.role }).where(eq(users.id, user.id)).returning({ id: users.id, name: users.name, role: users.role });
    return updated!;
  });
}
