import { and, eq, isNotNull, isNull } from "drizzle-orm";
import type { DbOrTx } from "../../../db";
import { users } from "../../../db/schema";
import { DomainError, notFound } from "../../errors";
import type { ServiceContext } from "../context";

export type PersonStatus = "active" | "invited" | "deactivated";

export function personStatus(user: { passwordHash: string | null; deactivatedAt: Date | null }): PersonStatus {
  if (user.deactivatedAt) return "deactivated";
  return user.passwordHash ? "active" : "invited";
}

/** The acting admin's user id: people verbs are run by a signed-in person, never by a job or a webhook. */
export function actingUserId(ctx: ServiceContext): string {
  if (ctx.actor.kind !== "user") throw new DomainError("forbidden", "errors.forbidden");
  return ctx.actor.userId;
}

/** A user of the caller's company, locked for the rest of the transaction; another company's id is "not found". */
export async function lockCompanyUser(tx: DbOrTx, companyId: string, userId: string) {
  const [user] = await tx
    .select()
    .from(users)
    .where(and(eq(users.id, userId), eq(users.companyId, companyId)))
    .for("update");
  if (!user) throw notFound("user");
  return user;
}

/**
 * Refuses to take away the company's last admin who can sign in (active: a password set, not deactivated).
 * The company's admins are locked first, so two admins demoting each other at once cannot both succeed.
 */
export async function assertAnotherActiveAdmin(tx: DbOrTx, companyId: string, leavingUserId: string) {
  const admins = await tx
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.companyId, companyId), eq(users.role, "admin"), isNull(users.deactivatedAt), isNotNull(users.passwordHash)))
    .for("update");
  if (!admins.some((a) => a.id !== leavingUserId)) throw new DomainError("precondition_failed", "people.errors.lastAdmin");
}
