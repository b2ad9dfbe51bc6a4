import { eq } from "drizzle-orm";
import { companies, users } from "../../../db/schema";
import { queueEmail } from "../../email/queue-email";
import { DomainError } from "../../errors";
import type { ServiceContext } from "../context";
import { issueSetPasswordToken } from "../users/issue-set-password-token";
import { actingUserId, lockCompanyUser } from "./people-rules";

/**
 * A new set-password link for someone who has not set a password yet; the earlier link stops working. In the
 * company's email language, like the first invitation.
 */
export async function resendInvitation({ ctx, input }: { ctx: ServiceContext; input: { userId: string } }) {
  const inviterId = actingUserId(ctx);
  return ctx.db.transaction(async (tx) => {
    const user = await lockCompanyUser(tx, ctx.companyId, input.userId);
    if (user.deactivatedAt) throw new DomainError("precondition_failed", "people.errors.deactivated");
    if (user.passwordHash) throw new DomainError("precondition_failed", "people.errors.notInvited");
    const [company] = await tx.select({ name: companies.name }).from(companies).where(eq(companies.id, ctx.companyId));
    const [inviter] = await tx.select({ name: users.name }).from(users).where(eq(users.id, inviterId));
    const link = await issueSetPasswordToken(tx, { companyId: ctx.companyId, userId: user.id });
    const queued = await queueEmail({
      db: tx,
      companyId: ctx.companyId,
      kind: "invitation",
      dedupeKey: `invitation:${link.tokenId}`,
      to: user.email,
      template: {
        name: "invitation",
        props: { recipientName: user.name, inviterName: inviter?.name ?? "", companyName: company?.name ?? "", role: user.role, link: link.link, expiresAt: link.expiresAt },
      },
    });
    return { userId: user.id, email: user.email, emailId: queued.id };
  });
}
