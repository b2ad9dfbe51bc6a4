import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "../../../db";
import { companies, emailDeliveries, users } from "../../../db/schema";
import { callerFor, seedTestCompany } from "../../testing/factories";
import { markChannelDisconnected } from "../channels/mark-channel-disconnected";
import { markChannelRestored } from "../channels/mark-channel-restored";

const authError = { class: "connection_lost" as const, reason: "token_revoked", providerError: { httpStatus: 401, code: 401, description: "Unauthorized" } };
const emailsOf = (companyId: string, kind: string) => db.select().from(emailDeliveries).where(and(eq(emailDeliveries.companyId, companyId), eq(emailDeliveries.kind, kind)));

async function company() {
  const co = await seedTestCompany("Settings Co");
  return { co, admin: callerFor({ id: co.admin.id, companyId: co.companyId, role: "admin" }), operator: callerFor({ id: co.operators[0]!.id, companyId: co.companyId, role: "operator" }) };
}

describe("Settings → Company", () => {
  it("is for admins only: an operator can neither read nor change it", async () => {
    const { operator } = await company();
    await expect(operator.company.settings()).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(operator.company.update({ alertEmail: "ops@example.com", emailLocale: "ru", timeZone: "Europe/Moscow" })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("reads and saves the company's own settings, never another company's", async () => {
    const { co, admin } = await company();
    const other = await seedTestCompany("Other Co");
    const [otherBefore] = await db.select().from(companies).where(eq(companies.id, other.companyId));
    expect(await admin.company.settings()).toMatchObject({ name: "Settings Co", emailLocale: "en", timeZone: "UTC" });

    const saved = await admin.company.update({ alertEmail: "  Alerts@Example.COM ", emailLocale: "ru", timeZone: "Europe/Moscow" });
    expect(saved).toMatchObject({ alertEmail: "alerts@example.com", emailLocale: "ru", timeZone: "Europe/Moscow", noticesQueued: 2 });
    const [row] = await db.select().from(companies).where(eq(companies.id, co.companyId));
    expect(row).toMatchObject({ registrationEmail: "alerts@example.com", locale: "ru", timeZone: "Europe/Moscow" });
    expect(await db.select().from(companies).where(eq(companies.id, other.companyId))).toEqual([otherBefore]);
  });

  it("refuses an invalid email, language or time zone, changing nothing", async () => {
    const { co, admin } = await company();
    const [before] = await db.select().from(companies).where(eq(companies.id, co.companyId));
    await expect(admin.company.update({ alertEmail: "not an email", emailLocale: "ru", timeZone: "UTC" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    // @ts-expect-error a language the product does not have
    await expect(admin.company.update({ alertEmail: "a@example.com", emailLocale: "de", timeZone: "UTC" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(admin.company.update({ alertEmail: "a@example.com", emailLocale: "ru", timeZone: "Mars/Olympus" })).rejects.toMatchObject({ code: "BAD_REQUEST", message: "company.errors.timeZone" });
    expect(await db.select().from(companies).where(eq(companies.id, co.companyId))).toEqual([before]);
  });

  it("tells the old and the new alert address when alerts move, in the company's language", async () => {
    const { co, admin } = await company();
    const [before] = await db.select().from(companies).where(eq(companies.id, co.companyId));
    await admin.company.update({ alertEmail: "new-alerts@example.com", emailLocale: "ru", timeZone: "Europe/Moscow" });
    const notices = await emailsOf(co.companyId, "alert_email_changed");
    expect(notices.map((n) => n.toAddress).sort()).toEqual([before!.registrationEmail, "new-alerts@example.com"].sort());
    for (const n of notices) expect(n.subject).toBe("Оповещения Switchboard для Settings Co теперь приходят на new-alerts@example.com");
    expect(notices.find((n) => n.toAddress === before!.registrationEmail)!.textBody).toContain(`а не на ${before!.registrationEmail}`);
    expect(notices[0]!.textBody).toMatch(/\(Europe\/Moscow, GMT\+3\)/);
    // Saving the same address again tells nobody.
    expect(await admin.company.update({ alertEmail: "new-alerts@example.com", emailLocale: "ru", timeZone: "Europe/Moscow" })).toMatchObject({ noticesQueued: 0 });
    expect(await emailsOf(co.companyId, "alert_email_changed")).toHaveLength(2);
  });

  it("incident emails go to the alert address in the company's language, times in its zone, and the restore counts what was recovered", async () => {
    const { co, admin } = await company();
    await admin.company.update({ alertEmail: "oncall@example.com", emailLocale: "uk", timeZone: "Europe/Kyiv" });
    const channelId = co.telegram.channelId;
    await db.transaction((tx) => markChannelDisconnected(tx, channelId, authError));
    const [lost] = await emailsOf(co.companyId, "connection_lost");
    expect(lost).toMatchObject({ toAddress: "oncall@example.com" });
    expect(lost!.subject).toContain("втратив підключення");
    expect(lost!.textBody).toMatch(/\((Europe\/Kyiv), GMT\+2\)/);

    await db.transaction((tx) => markChannelRestored(tx, channelId, "reconnected", { byUserId: co.admin.id, recoveredCount: 3 }));
    const [restored] = await emailsOf(co.companyId, "connection_restored");
    expect(restored!.textBody).toContain("Відновлено 3 повідомлення:");
    expect(restored!.textBody).toMatch(/\(Europe\/Kyiv, GMT\+2\)/);
  });

  it("invitations and an admin's password reset follow the company's language; a person's own choice wins for their reset", async () => {
    const { co, admin } = await company();
    await admin.company.update({ alertEmail: "owner@example.com", emailLocale: "ru", timeZone: "Asia/Tokyo" });
    const invited = await admin.people.invite({ name: "Nina", email: `nina-${crypto.randomUUID().slice(0, 8)}@example.com`, role: "operator" });
    const [invitation] = await db.select().from(emailDeliveries).where(eq(emailDeliveries.id, invited.emailId));
    expect(invitation!.subject).toBe("Вас пригласили в Settings Co в Switchboard");
    expect(invitation!.textBody).toMatch(/\(Asia\/Tokyo, GMT\+9\)/);

    await db.update(users).set({ locale: "uk" }).where(eq(users.id, co.operators[0]!.id));
    const reset = await admin.people.sendPasswordReset({ userId: co.operators[0]!.id });
    const [mail] = await db.select().from(emailDeliveries).where(eq(emailDeliveries.id, reset.emailId));
    expect(mail!.html).toContain('lang="uk"');
    expect(mail!.textBody).toMatch(/\(Asia\/Tokyo, GMT\+9\)/);
  });
});
