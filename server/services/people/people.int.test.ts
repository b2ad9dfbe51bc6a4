import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "../../../db";
import { companies, emailDeliveries, users, userTokens } from "../../../db/schema";
import { authenticate } from "../../auth/options";
import { DEMO_PASSWORD } from "../../../db/seed";
import { callerFor, seedTestCompany } from "../../testing/factories";
import { hashSetPasswordToken } from "../users/set-password-token";

async function companyWithAdmin() {
  const co = await seedTestCompany();
  const admin = callerFor({ id: co.admin.id, companyId: co.companyId, role: "admin" });
  return { co, admin };
}
const tokenFrom = (html: string) => decodeURIComponent(/set-password\?token=([A-Za-z0-9_%-]+)/.exec(html)![1]!);
const userRow = async (id: string) => (await db.select().from(users).where(eq(users.id, id)))[0]!;
const uniqueEmail = (who: string) => `${who}-${crypto.randomUUID().slice(0, 8)}@people.test`;

describe("people", () => {
  it("lists the company's people with their status in words-ready codes, never another company's", async () => {
    const { co, admin } = await companyWithAdmin();
    const other = await seedTestCompany();
    const list = await admin.people.list();
    expect(list.map((p) => p.email).sort()).toEqual([co.admin.email, ...co.operators.map((o) => o.email)].sort());
    expect(list.find((p) => p.id === co.admin.id)).toMatchObject({ role: "admin", status: "active", isSelf: true });
    expect(list.some((p) => p.email === other.admin.email)).toBe(false);
    expect(JSON.stringify(list)).not.toContain("argon2");
  });

  it("invites a person: no password, a hashed single-use token for 7 days, and the invitation email queued in the company's email language", async () => {
    const { co, admin } = await companyWithAdmin();
    await db.update(companies).set({ locale: "ru" }).where(eq(companies.id, co.companyId));
    const email = uniqueEmail("Nina");
    const result = await admin.people.invite({ name: "Nina New", email: `  ${email.toUpperCase()} `, role: "operator" });
    const user = await userRow(result.user.id);
    expect(user).toMatchObject({ companyId: co.companyId, email: email.toLowerCase(), name: "Nina New", role: "operator", passwordHash: null, deactivatedAt: null, locale: null });

    const [mail] = await db.select().from(emailDeliveries).where(eq(emailDeliveries.id, result.emailId));
    expect(mail).toMatchObject({ companyId: co.companyId, kind: "invitation", toAddress: email.toLowerCase(), status: "queued", subject: "Вас пригласили в Test Co в Switchboard" });
    expect(mail!.html).toContain("http://localhost:3000/set-password?token=");
    expect(mail!.textBody).toContain("/set-password?token=");

    const token = tokenFrom(mail!.html);
    const [row] = await db.select().from(userTokens).where(eq(userTokens.userId, user.id));
    expect(row).toMatchObject({ companyId: co.companyId, purpose: "set_password", tokenHash: hashSetPasswordToken(token), usedAt: null });
    expect(row!.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(row!.tokenHash).not.toContain(token);
    const days = (row!.expiresAt.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.99);
    expect(days).toBeLessThanOrEqual(7);

    expect((await admin.people.list()).find((p) => p.id === user.id)).toMatchObject({ status: "invited" });
  });

  it("refuses an email already used in any company, saying so in words", async () => {
    const { admin } = await companyWithAdmin();
    const other = await seedTestCompany();
    await expect(admin.people.invite({ name: "Dup", email: other.operators[0]!.email, role: "operator" })).rejects.toMatchObject({
      code: "CONFLICT",
      message: "people.errors.emailTaken",
    });
    await expect(admin.people.invite({ name: "", email: "not-an-email", role: "operator" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("resends an invitation with a new link, the old one stops working; refuses people who set a password and other companies' ids", async () => {
    const { co, admin } = await companyWithAdmin();
    const other = await seedTestCompany();
    const invited = await admin.people.invite({ name: "Ira", email: uniqueEmail("ira"), role: "admin" });
    await db.update(companies).set({ locale: "uk" }).where(eq(companies.id, co.companyId));
    const again = await admin.people.resendInvitation({ userId: invited.user.id });
    expect(again.emailId).not.toBe(invited.emailId);
    const tokens = await db.select().from(userTokens).where(eq(userTokens.userId, invited.user.id));
    expect(tokens).toHaveLength(2);
    expect(tokens.filter((t) => t.expiresAt > new Date())).toHaveLength(1);
    const [mail] = await db.select().from(emailDeliveries).where(eq(emailDeliveries.id, again.emailId));
    expect(mail!.subject).toBe("Вас запросили до Test Co у Switchboard");

    await expect(admin.people.resendInvitation({ userId: co.operators[0]!.id })).rejects.toMatchObject({ code: "PRECONDITION_FAILED", message: "people.errors.notInvited" });
    await expect(admin.people.resendInvitation({ userId: other.operators[0]!.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("changes roles, but never one's own, never the last active admin, and never in another company", async () => {
    const { co, admin } = await companyWithAdmin();
    const other = await seedTestCompany();
    const op = co.operators[0]!;
    expect(await admin.people.changeRole({ userId: op.id, role: "admin" })).toMatchObject({ role: "admin" });
    expect((await userRow(op.id)).role).toBe("admin");
    expect(await admin.people.changeRole({ userId: op.id, role: "operator" })).toMatchObject({ role: "operator" });

    await expect(admin.people.changeRole({ userId: co.admin.id, role: "operator" })).rejects.toMatchObject({ code: "PRECONDITION_FAILED", message: "people.errors.selfDemote" });
    await expect(admin.people.changeRole({ userId: other.operators[0]!.id, role: "admin" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await userRow(other.operators[0]!.id)).role).toBe("operator");

    // An invited admin cannot sign in yet, so they do not count; and an admin whose own role was just taken away
    // (a stale session) cannot demote the one admin left.
    await admin.people.invite({ name: "Later Admin", email: uniqueEmail("later"), role: "admin" });
    await db.update(users).set({ role: "operator" }).where(eq(users.id, op.id));
    const stale = callerFor({ id: op.id, companyId: co.companyId, role: "admin" });
    await expect(stale.people.changeRole({ userId: co.admin.id, role: "operator" })).rejects.toMatchObject({ code: "PRECONDITION_FAILED", message: "people.errors.lastAdmin" });
    await expect(stale.people.deactivate({ userId: co.admin.id })).rejects.toMatchObject({ code: "PRECONDITION_FAILED", message: "people.errors.lastAdmin" });
    expect(await userRow(co.admin.id)).toMatchObject({ role: "admin", deactivatedAt: null });
  });

  it("deactivates and reactivates: sign-in is refused while deactivated; never oneself, never another company's person", async () => {
    const { co, admin } = await companyWithAdmin();
    const other = await seedTestCompany();
    const op = co.operators[1]!;
    expect(await authenticate({ email: op.email, password: DEMO_PASSWORD })).toMatchObject({ id: op.id });

    const done = await admin.people.deactivate({ userId: op.id });
    expect(done.deactivatedAt).toBeInstanceOf(Date);
    expect(await authenticate({ email: op.email, password: DEMO_PASSWORD })).toBeNull();
    expect((await admin.people.list()).find((p) => p.id === op.id)).toMatchObject({ status: "deactivated" });

    await admin.people.reactivate({ userId: op.id });
    expect(await authenticate({ email: op.email, password: DEMO_PASSWORD })).toMatchObject({ id: op.id });

    await expect(admin.people.deactivate({ userId: co.admin.id })).rejects.toMatchObject({ code: "PRECONDITION_FAILED", message: "people.errors.selfDeactivate" });
    await expect(admin.people.deactivate({ userId: other.operators[0]!.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(admin.people.reactivate({ userId: other.operators[0]!.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    const [otherOp] = await db.select().from(users).where(and(eq(users.id, other.operators[0]!.id)));
    expect(otherOp!.deactivatedAt).toBeNull();

    // Another admin may be deactivated while one active admin remains.
    await admin.people.changeRole({ userId: op.id, role: "admin" });
    await admin.people.deactivate({ userId: op.id });
    expect((await userRow(op.id)).deactivatedAt).toBeInstanceOf(Date);
  });
});
