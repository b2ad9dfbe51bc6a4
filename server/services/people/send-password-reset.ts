import { eq } from "drizzle-orm";
import { companies, users } from "../../../db/schema";
import { queueEmail } from "../../email/queue-email";
import { DomainError } from "../../errors";
import type { Locale } from "../../i18n";
import type { ServiceContext } from "../context";
import { issueSetPasswordToken } from "../users/issue-set-password-token";
import { actingUserId, lockCompanyUser } from "./people-rules";

/** An admin sends someone of the company a single-use link (1 hour) to choose a new password. */
export async function sendPasswordReset({ ctx, input }: { ctx: ServiceContext; input: { userId: string; locale: Locale } }) {
  const adminId = actingUserId(ctx);
  return ctx.db.transaction(async (tx) => {
    const user = await lockCompanyUser(tx, ctx.companyId, input.userId);
    if (user.deactivatedAt) throw new DomainError("precondition_failed", "people.errors.deactivated");
    const [company] = await tx.select({ name: companies.name }).from(companies).where(eq(companies.id, ctx.companyId));
    const [admin] = await tx.select({ name: users.name }).from(users).where(eq(users.id, adminId));
    const link = await issueSetPasswordToken(tx, { companyId: ctx.companyId, userId: user.id, purpose: "reset_password" });
    const queued = await queueEmail({
      db: tx,
      companyId: ctx.companyId,
      kind: "password_reset",
      dedupeKey: `password_reset:${link.tokenId}`,
      to: user.email,
      locale: (user.locale as Locale | null) ?? input.locale,
      template: {
        name: "password_reset",
        props: { recipientName: user.name, companyName: company?.name ?? "", requestedBy: { kind: "admin", name: admin?.name ?? "" }, link: link.link, expiresAt: link.expiresAt },
      },
    });
    return { userId: user.id, email: user.email, emailId: queued.id };
  });
}
