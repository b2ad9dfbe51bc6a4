import { and, eq, isNull } from "drizzle-orm";
import type { Database } from "../../../db";
import { companies, users } from "../../../db/schema";
import type { Locale } from "../../i18n";
import { takeResetRequest } from "../sessions/throttle";
import { queuePasswordReset } from "./queue-password-reset";

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
    const queued = await queuePasswordReset(tx, { user: row.user, companyName: row.companyName, requestedBy: { kind: "self" }, locale: input.locale });
    return { emailId: queued.id };
  });
}
