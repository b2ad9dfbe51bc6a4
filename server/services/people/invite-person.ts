import { eq } from "drizzle-orm";
import { companies, users } from "../../../db/schema";
import { queueEmail } from "../../email/queue-email";
import { DomainError } from "../../errors";
import type { ServiceContext } from "../context";
import { issueSetPasswordToken } from "../users/issue-set-password-token";
import { isUniqueViolation } from "../users/unique-violation";
import { actingUserId } from "./people-rules";

export type InvitePersonInput = { name: string; email: string; role: "admin" | "operator" };

/**
 * Invites an operator or admin: a user without a password, a single-use set-password link valid for 7 days,
 * and the invitation email queued through the email path, all in one transaction. Emails are unique across
 * the product (every company), so an address already in use is refused in words. The email is in the company's
 * email language (Settings → Company); the person has no language of their own until they choose one (their
 * browser's applies meanwhile).
 */
export async function invitePerson({ ctx, input }: { ctx: ServiceContext; input: InvitePersonInput }) {
  const inviterId = actingUserId(ctx);
  const email = input.email.trim().toLowerCase();
  const name = input.name.trim();
  try {
    return await ctx.db.transaction(async (tx) => {
      const [taken] = await tx.select({ id: users.id }).from(users).where(eq(users.email, email)).limit(1);
      if (taken) throw new DomainError("conflict", "people.errors.emailTaken");
      const [company] = await tx.select({ name: companies.name }).from(companies).where(eq(companies.id, ctx.companyId));
      const [inviter] = await tx.select({ name: users.name }).from(users).where(eq(users.id, inviterId));
      const [user] = await tx
        .insert(users)
        .values({ companyId: ctx.companyId, email, name, role: input.role, locale: null, passwordHash: null })
        .returning({ id: users.id, email: users.email, name: users.name, role: users.role });
      const link = await issueSetPasswordToken(tx, { companyId: ctx.companyId, userId: user!.id });
      const queued = await queueEmail({
        db: tx,
        companyId: ctx.companyId,
        kind: "invitation",
        dedupeKey: `invitation:${link.tokenId}`,
        to: email,
        template: {
          name: "invitation",
          props: { recipientName: name, inviterName: inviter?.name ?? "", companyName: company?.name ?? "", role: input.role, link: link.link, expiresAt: link.expiresAt },
        },
      });
      return { user: user!, emailId: queued.id };
    });
  } catch (error) {
    if (isUniqueViolation(error, "users_email_unique")) throw new DomainError("conflict", "people.errors.emailTaken");
    throw error;
  }
}
