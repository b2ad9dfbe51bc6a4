import { describe, expect, it } from "vitest";
import { deliverDueEmails } from "../../email/deliver-due-emails";
import { callerFor, seedTestCompany } from "../../testing/factories";

describe("mailbox", () => {
  it("lists the company's emails newest first with their status, and opens one with its HTML and text", async () => {
    const co = await seedTestCompany();
    const admin = callerFor({ id: co.admin.id, companyId: co.companyId, role: "admin" });
    const first = await admin.people.invite({ name: "First", email: `first-${crypto.randomUUID().slice(0, 8)}@mailbox.test`, role: "operator" });
    const second = await admin.people.invite({ name: "Second", email: `second-${crypto.randomUUID().slice(0, 8)}@mailbox.test`, role: "operator" });

    const queued = await admin.mailbox.list();
    expect(queued.resendConfigured).toBe(false);
    expect(queued.emails.map((e) => e.id)).toEqual([second.emailId, first.emailId]);
    expect(queued.emails[0]).toMatchObject({ kind: "invitation", status: "queued", subject: "You’re invited to Test Co on Switchboard" });
    expect(queued.emails[0]).not.toHaveProperty("html");

    await deliverDueEmails({ transport: null, limit: 1000 });
    const captured = await admin.mailbox.list();
    expect(captured.emails.map((e) => e.status)).toEqual(["captured", "captured"]);

    const email = await admin.mailbox.get({ emailId: second.emailId });
    expect(email.html).toContain("/set-password?token=");
    expect(email.textBody).toContain("/set-password?token=");
    expect(email).toMatchObject({ status: "captured", toAddress: second.user.email });
  });

  it("never shows another company's emails", async () => {
    const co = await seedTestCompany();
    const other = await seedTestCompany();
    const theirs = await callerFor({ id: other.admin.id, companyId: other.companyId, role: "admin" }).people.invite({ name: "Theirs", email: `theirs-${crypto.randomUUID().slice(0, 8)}@mailbox.test`, role: "operator" });
    const admin = callerFor({ id: co.admin.id, companyId: co.companyId, role: "admin" });
    expect((await admin.mailbox.list()).emails.some((e) => e.id === theirs.emailId)).toBe(false);
    await expect(admin.mailbox.get({ emailId: theirs.emailId })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
