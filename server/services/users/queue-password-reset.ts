import type { DbOrTx } from "../../../db";
import { queueEmail } from "../../email/queue-email";
import type { PasswordResetEmailProps } from "../../email/templates/password-reset";
import { isLocale, type Locale } from "../../i18n";
import { issueSetPasswordToken } from "./issue-set-password-token";

/**
 * A single-use link (1 hour) to choose a new password, emailed through the same queue as every email, in the
 * person's language when they chose one, else the language of the page they asked from (Forgot password), else
 * the company's email language (an admin sent it). Any earlier unused link of theirs stops working.
 */
export async function queuePasswordReset(
  tx: DbOrTx,
  input: { user: { id: string; companyId: string; email: string; name: string; locale: string | null }; companyName: string; requestedBy: PasswordResetEmailProps["requestedBy"]; locale?: Locale },
) {
  const { user } = input;
  const link = await issueSetPasswordToken(tx, { companyId: user.companyId, userId: user.id, purpose: "reset_password" });
  return queueEmail({
    db: tx,
    companyId: user.companyId,
    kind: "password_reset",
    dedupeKey: `password_reset:${link.tokenId}`,
    to: user.email,
    locale: (isLocale(user.locale) ? user.locale : null) ?? input.locale ?? null,
    template: { name: "password_reset", props: { recipientName: user.name, companyName: input.companyName, requestedBy: input.requestedBy, link: link.link, expiresAt: link.expiresAt } },
  });
}
