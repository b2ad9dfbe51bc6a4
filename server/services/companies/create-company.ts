import type { Database } from "../../../db";
import { companies, users } from "../../../db/schema";
import { DomainError } from "../../errors";
import { isLocale, type Locale } from "../../i18n";
import { issueSetPasswordToken } from "../users/issue-set-password-token";
import { isUniqueViolation } from "../users/unique-violation";

export type CreateCompanyInput = { companyName: string; email: string; adminName: string; locale: string };

/**
 * A new company with its first admin (`npm run setup`): the registration email is the admin's, and the admin
 * chooses their own password through a single-use link — no account with a known password ever exists.
 */
export async function createCompany({ db }: { db: Database }, input: CreateCompanyInput) {
  const companyName = input.companyName.trim();
  const adminName = input.adminName.trim();
  const email = input.email.trim().toLowerCase();
  const locale: Locale = isLocale(input.locale) ? input.locale : "en";
  if (!companyName || companyName.length > 200) throw new DomainError("invalid", "setup.companyName", "the company name is required (at most 200 characters)");
  if (!adminName || adminName.length > 100) throw new DomainError("invalid", "setup.adminName", "the admin's name is required (at most 100 characters)");
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > 254) throw new DomainError("invalid", "setup.email", `"${input.email}" is not an email address`);
  try {
    return await db.transaction(async (tx) => {
      const [company] = await tx.insert(companies).values({ name: companyName, registrationEmail: email, locale }).returning({ id: companies.id });
      const [admin] = await tx
        .insert(users)
        .values({ companyId: company!.id, email, name: adminName, role: "admin", locale })
        .returning({ id: users.id });
      const link = await issueSetPasswordToken(tx, { companyId: company!.id, userId: admin!.id });
      return { companyId: company!.id, adminId: admin!.id, link: link.link, expiresAt: link.expiresAt };
    });
  } catch (error) {
    if (isUniqueViolation(error, "users_email_unique")) throw new DomainError("conflict", "setup.emailTaken", `${email} already belongs to a person in a company`);
    throw error;
  }
}
