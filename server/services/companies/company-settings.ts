import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { companies, users } from "../../../db/schema";
import { queueEmail } from "../../email/queue-email";
import { DomainError, notFound } from "../../errors";
import { DEFAULT_TIME_ZONE, isLocale, isTimeZone, type Locale } from "../../i18n";
import { logger } from "../../log";
import type { ServiceContext } from "../context";
import { actingUserId } from "../people/people-rules";

export type CompanySettings = { name: string; alertEmail: string; emailLocale: Locale; timeZone: string };

/** Settings → Company: where alerts go, the language of the company's emails and its time zone. */
export async function getCompanySettings({ ctx }: { ctx: ServiceContext }): Promise<CompanySettings> {
  const [company] = await ctx.db.select().from(companies).where(eq(companies.id, ctx.companyId));
  if (!company) throw notFound("company");
  return {
    name: company.name,
    alertEmail: company.registrationEmail,
    emailLocale: isLocale(company.locale) ? company.locale : "en",
    timeZone: isTimeZone(company.timeZone) ? company.timeZone : DEFAULT_TIME_ZONE,
  };
}

export type UpdateCompanySettingsInput = { alertEmail: string; emailLocale: Locale; timeZone: string };

/**
 * Saves the company's settings (admins). A new alert address takes effect at once, and both addresses are told
 * — the old one where alerts go now and who moved them, the new one why it will receive them — so a typo or a
 * change nobody meant is noticed by the people who relied on the old address, and no alert waits in limbo for a
 * confirmation click meanwhile. The notices are in the new email language and time zone; the change is logged.
 */
export async function updateCompanySettings({ ctx, input }: { ctx: ServiceContext; input: UpdateCompanySettingsInput }): Promise<CompanySettings & { noticesQueued: number }> {
  const adminId = actingUserId(ctx);
  const alertEmail = input.alertEmail.trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(alertEmail) || alertEmail.length > 254) throw new DomainError("invalid", "company.errors.alertEmail");
  if (!isLocale(input.emailLocale)) throw new DomainError("invalid", "company.errors.emailLocale");
  if (!isTimeZone(input.timeZone)) throw new DomainError("invalid", "company.errors.timeZone");
  return ctx.db.transaction(async (tx) => {
    const [before] = await tx.select().from(companies).where(eq(companies.id, ctx.companyId)).for("update");
    if (!before) throw notFound("company");
    const [updated] = await tx
      .update(companies)
      .set({ registrationEmail: alertEmail, locale: input.emailLocale, timeZone: input.timeZone })
      .where(eq(companies.id, ctx.companyId))
      .returning();
    const changed = [
      before.registrationEmail !== alertEmail && "alertEmail",
      before.locale !== input.emailLocale && "emailLocale",
      before.timeZone !== input.timeZone && "timeZone",
    ].filter((f): f is string => Boolean(f));
    let noticesQueued = 0;
    if (before.registrationEmail !== alertEmail) {
      const [admin] = await tx.select({ name: users.name }).from(users).where(and(eq(users.id, adminId), eq(users.companyId, ctx.companyId)));
      const change = randomUUID();
      const props = { companyName: before.name, oldEmail: before.registrationEmail, newEmail: alertEmail, changedBy: admin?.name ?? "", at: new Date() };
      for (const [side, to] of [["old", before.registrationEmail], ["new", alertEmail]] as const) {
        await queueEmail({ db: tx, companyId: ctx.companyId, kind: "alert_email_changed", dedupeKey: `alert_email_changed:${change}:${side}`, to, template: { name: "alert_email_changed", props: { ...props, recipient: side } } });
        noticesQueued++;
      }
    }
    if (changed.length) logger.info("company.settings_changed", { companyId: ctx.companyId, userId: adminId, changed });
    return {
      name: updated!.name,
      alertEmail: updated!.registrationEmail,
      emailLocale: input.emailLocale,
      timeZone: updated!.timeZone,
      noticesQueued,
    };
  });
}
