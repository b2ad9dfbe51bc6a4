import { and, eq, isNull } from "drizzle-orm";
import type { Database } from "../../../db";
import { companies, users } from "../../../db/schema";
import { queueEmail } from "../../email/queue-email";
import type { Locale } from "../../i18n";
import { takeResetRequest } from "../../identity/throttle";
import { issueSetPasswordToken } from "./issue-set-password-token";

/**
 * "Forgot password" (public): emails a single-use link (1 hour) to the address when it belongs to an active
 * person. The caller always says the same thing, whether or not the address exists; a few requests an hour per
 * address, so the form cannot flood anyone's inbox. The email goes through the same queue as every other email
 * (Resend, or the Mailbox page locally). Returns whether an email was queued, for tests and logs only.
 */
export async function requestPasswordReset({ db }: { db: Database }, input: { email: string; locale: Locale }): Promise<{ emailId: string | null }> {
  const email = input.email.trim().toLowerCase();
  if (!(await takeResetRequest(email))) return { emailId: null };
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select({ user: users, companyName: companies.name })
      .from(users)
      .innerJoin(companies, eq(companies.id, users.companyId))
      .where(and(eq(users.email, email), isNull(users.deactivatedAt)))
      .limit(1);
    if (!row) return { emailId: null };
    const { user } = row;
    const link = await issueSetPasswordToken(tx, { companyId: user.companyId, userId: user.id, purpose: "reset_password" });
    const queued = await queueEmail({
      db: tx,
      companyId: user.companyId,
      kind: "password_reset",
      dedupeKey: `password_reset:${link.tokenId}`,
      to: user.email,
      locale: (user.locale as Locale | null) ?? input.locale,
      template: { name: "password_reset", props: { recipientName: user.name, companyName: row.companyName, requestedBy: { kind: "self" }, link: link.link, expiresAt: link.expiresAt } },
    });
    return { emailId: queued.id };
  });
}
