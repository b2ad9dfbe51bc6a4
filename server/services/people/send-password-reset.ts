import { eq } from "drizzle-orm";
import { companies, users } from "../../../db/schema";
import { DomainError } from "../../errors";
import type { ServiceContext } from "../context";
import { queuePasswordReset } from "../users/queue-password-reset";
import { actingUserId, lockCompanyUser } from "./people-rules";

/** An admin sends someone of the company a single-use link (1 hour) to choose a new password. */
export async function sendPasswordReset({ ctx, input }: { ctx: ServiceContext; input: { userId: string } }) {
  const adminId = actingUserId(ctx);
  return ctx.db.transaction(async (tx) => {
    const user = await lockCompanyUser(tx, ctx.companyId, input.userId);
    if (user.deactivatedAt) throw new DomainError("precondition_failed", "people.errors.deactivated");
    const [company] = await tx.select({ name: companies.name }).from(companies).where(eq(companies.id, ctx.companyId));
    const [admin] = await tx.select({ name: users.name }).from(users).where(eq(users.id, adminId));
    const queued = await queuePasswordReset(tx, { user, companyName: company?.name ?? "", requestedBy: { kind: "admin", name: admin?.name ?? "" } });
    return { userId: user.id, email: user.email, emailId: queued.id };
  });
}
