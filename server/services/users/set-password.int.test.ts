import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "../../../db";
import { emailDeliveries, users, userTokens } from "../../../db/schema";
import { authenticate } from "../../auth/options";
import { callerFor, seedTestCompany } from "../../testing/factories";
import { inspectSetPasswordToken } from "./inspect-set-password-token";
import { setPasswordWithToken } from "./set-password-with-token";

async function invited() {
  const co = await seedTestCompany();
  const admin = callerFor({ id: co.admin.id, companyId: co.companyId, role: "admin" });
  const email = `new-${crypto.randomUUID().slice(0, 8)}@set-password.test`;
  const result = await admin.people.invite({ name: "Nina New", email, role: "operator" });
  const [mail] = await db.select().from(emailDeliveries).where(eq(emailDeliveries.id, result.emailId));
  const token = decodeURIComponent(/set-password\?token=([A-Za-z0-9_%-]+)/.exec(mail!.html)![1]!);
  return { co, admin, email, userId: result.user.id, token };
}

describe("set password from an invitation", () => {
  it("shows who the link is for, sets the password once, and the person can sign in", async () => {
    const { email, userId, token } = await invited();
    expect(await inspectSetPasswordToken(db, token)).toMatchObject({ ok: true, userId, email, name: "Nina New", companyName: "Test Co" });
    expect(await authenticate({ email, password: "a long enough password" })).toBeNull();

    expect(await setPasswordWithToken({ db }, { token, password: "a long enough password" })).toEqual({ email });
    expect(await authenticate({ email, password: "a long enough password" })).toMatchObject({ id: userId, role: "operator" });
    const [row] = await db.select().from(userTokens).where(eq(userTokens.userId, userId));
    expect(row!.usedAt).toBeInstanceOf(Date);

    // Single use: the same link cannot set another password.
    expect(await inspectSetPasswordToken(db, token)).toEqual({ ok: false, reason: "used", purpose: "set_password" });
    await expect(setPasswordWithToken({ db }, { token, password: "another long password" })).rejects.toMatchObject({ messageKey: "people.setPassword.used" });
    expect(await authenticate({ email, password: "another long password" })).toBeNull();
  });

  it("refuses expired, unknown, too short, and deactivated, in words", async () => {
    const { admin, userId, token } = await invited();
    await expect(setPasswordWithToken({ db }, { token, password: "short" })).rejects.toMatchObject({ messageKey: "people.setPassword.tooShort" });
    await expect(setPasswordWithToken({ db }, { token: "not-a-real-token", password: "a long enough password" })).rejects.toMatchObject({ messageKey: "people.setPassword.invalid" });
    expect(await inspectSetPasswordToken(db, "")).toEqual({ ok: false, reason: "invalid" });

    await admin.people.deactivate({ userId });
    await expect(setPasswordWithToken({ db }, { token, password: "a long enough password" })).rejects.toMatchObject({ messageKey: "people.setPassword.deactivated" });
    await admin.people.reactivate({ userId });

    await db.update(userTokens).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(userTokens.userId, userId));
    expect(await inspectSetPasswordToken(db, token)).toEqual({ ok: false, reason: "expired", purpose: "set_password" });
    await expect(setPasswordWithToken({ db }, { token, password: "a long enough password" })).rejects.toMatchObject({ messageKey: "people.setPassword.expired" });
    expect((await db.select().from(users).where(eq(users.id, userId)))[0]!.passwordHash).toBeNull();
  });

  it("a resent invitation's link works and the earlier one is refused as expired", async () => {
    const { admin, email, userId, token } = await invited();
    const again = await admin.people.resendInvitation({ userId });
    const [mail] = await db.select().from(emailDeliveries).where(eq(emailDeliveries.id, again.emailId));
    const fresh = decodeURIComponent(/set-password\?token=([A-Za-z0-9_%-]+)/.exec(mail!.html)![1]!);
    expect(await inspectSetPasswordToken(db, token)).toEqual({ ok: false, reason: "expired", purpose: "set_password" });
    await setPasswordWithToken({ db }, { token: fresh, password: "a long enough password" });
    expect(await authenticate({ email, password: "a long enough password" })).toMatchObject({ id: userId });
  });
});
