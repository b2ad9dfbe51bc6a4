import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "../../../db";
import { DEMO_PASSWORD } from "../../../db/seed";
import { authSessions, companies, emailDeliveries, userTokens } from "../../../db/schema";
import { createCaller } from "../../api/root";
import { createContextFor } from "../../api/trpc";
import { authenticate } from "../../auth/options";
import { callerFor, seedTestCompany } from "../../testing/factories";
import { inspectSetPasswordToken } from "../users/inspect-set-password-token";
import { setPasswordWithToken } from "../users/set-password-with-token";
import { endSession } from "./end-sessions";
import { readSessionUser } from "./read-session-user";
import { sessionLimits } from "./session-policy";
import { startSession } from "./start-session";

const linkToken = (html: string) => decodeURIComponent(/set-password\?token=([A-Za-z0-9_%-]+)/.exec(html)![1]!);

async function signedIn() {
  const co = await seedTestCompany();
  const operator = { id: co.operators[0]!.id, companyId: co.companyId };
  const sessionId = await startSession(db, operator);
  return { co, operator, sessionId, ids: { sessionId, userId: operator.id } };
}

describe("sessions end on the server", () => {
  it("a session reads its person until sign-out; the same cookie is refused afterwards", async () => {
    const { operator, sessionId, ids } = await signedIn();
    expect(await readSessionUser(db, ids)).toMatchObject({ id: operator.id, companyId: operator.companyId, role: "operator", sessionId });
    await endSession(db, sessionId, "sign_out");
    expect(await readSessionUser(db, ids)).toBeNull();
    const [row] = await db.select().from(authSessions).where(eq(authSessions.id, sessionId));
    expect(row).toMatchObject({ endReason: "sign_out" });
  });

  it("a session id belongs to its person only, and garbage reads nothing", async () => {
    const { co, sessionId } = await signedIn();
    expect(await readSessionUser(db, { sessionId, userId: co.admin.id })).toBeNull();
    expect(await readSessionUser(db, { sessionId: "not-a-uuid", userId: co.admin.id })).toBeNull();
  });

  it("ends after the idle limit and at the absolute end, however active", async () => {
    const { ids, sessionId } = await signedIn();
    const { idleMs, maxMs } = sessionLimits();
    const now = Date.now();
    // Active every minute until just before the absolute end: still valid.
    await db.update(authSessions).set({ lastSeenAt: new Date(now - 60_000) }).where(eq(authSessions.id, sessionId));
    expect(await readSessionUser(db, ids, new Date(now))).not.toBeNull();
    // Idle for longer than the limit.
    await db.update(authSessions).set({ lastSeenAt: new Date(now - idleMs - 1000) }).where(eq(authSessions.id, sessionId));
    expect(await readSessionUser(db, ids, new Date(now))).toBeNull();
    // Active, but past the absolute end.
    await db.update(authSessions).set({ lastSeenAt: new Date(now), expiresAt: new Date(now - 1000) }).where(eq(authSessions.id, sessionId));
    expect(await readSessionUser(db, ids, new Date(now))).toBeNull();
    expect(maxMs).toBeGreaterThan(idleMs);
  });

  it("moves last-seen at most once a minute", async () => {
    const { ids, sessionId } = await signedIn();
    const start = new Date(Date.now() - 10 * 60_000);
    await db.update(authSessions).set({ lastSeenAt: start }).where(eq(authSessions.id, sessionId));
    const now = new Date();
    await readSessionUser(db, ids, now);
    const [after] = await db.select().from(authSessions).where(eq(authSessions.id, sessionId));
    expect(after!.lastSeenAt.getTime()).toBe(now.getTime());
    await readSessionUser(db, ids, new Date(now.getTime() + 30_000));
    const [again] = await db.select().from(authSessions).where(eq(authSessions.id, sessionId));
    expect(again!.lastSeenAt.getTime()).toBe(now.getTime());
  });

  it("a deactivation ends every session, and a reactivation does not bring them back", async () => {
    const { co, operator, ids } = await signedIn();
    const second = await startSession(db, operator);
    const admin = callerFor({ id: co.admin.id, companyId: co.companyId, role: "admin" });
    await admin.people.deactivate({ userId: operator.id });
    await admin.people.reactivate({ userId: operator.id });
    expect(await readSessionUser(db, ids)).toBeNull();
    expect(await readSessionUser(db, { sessionId: second, userId: operator.id })).toBeNull();
    // Signing in again gives a new, working session.
    expect(await readSessionUser(db, { sessionId: await startSession(db, operator), userId: operator.id })).not.toBeNull();
  });

  it("changing one's password ends the other sessions and keeps this one; the old password stops working", async () => {
    const { co, operator, sessionId, ids } = await signedIn();
    const other = await startSession(db, operator);
    const me = createCaller(createContextFor({ id: operator.id, companyId: operator.companyId, role: "operator", name: "Olena", email: co.operators[0]!.email, sessionId }, "203.0.113.7"));
    await expect(me.account.changePassword({ current: "not my password", next: "a brand new password" })).rejects.toMatchObject({ message: "account.password.wrongCurrent" });
    await expect(me.account.changePassword({ current: DEMO_PASSWORD, next: "short" })).rejects.toMatchObject({ message: "people.setPassword.tooShort" });
    expect(await me.account.changePassword({ current: DEMO_PASSWORD, next: "a brand new password" })).toEqual({ endedSessions: 1 });
    expect(await readSessionUser(db, ids)).not.toBeNull();
    expect(await readSessionUser(db, { sessionId: other, userId: operator.id })).toBeNull();
    expect(await authenticate({ email: co.operators[0]!.email, password: DEMO_PASSWORD }, "203.0.113.8")).toBeNull();
    expect(await authenticate({ email: co.operators[0]!.email, password: "a brand new password" }, "203.0.113.8")).toMatchObject({ id: operator.id });
  });

  it("sign out everywhere: oneself (this session too), or a person by an admin; an operator cannot end someone else's", async () => {
    const { co, operator, ids } = await signedIn();
    const other = await startSession(db, operator);
    const me = callerFor({ id: operator.id, companyId: operator.companyId, role: "operator" });
    await expect(me.people.signOutEverywhere({ userId: co.admin.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await me.account.signOutEverywhere()).toMatchObject({ endedSessions: 2 });
    expect(await readSessionUser(db, ids)).toBeNull();
    expect(await readSessionUser(db, { sessionId: other, userId: operator.id })).toBeNull();

    const fresh = await startSession(db, operator);
    const admin = callerFor({ id: co.admin.id, companyId: co.companyId, role: "admin" });
    expect(await admin.people.signOutEverywhere({ userId: operator.id })).toMatchObject({ name: "Olena Operator", endedSessions: 1 });
    expect(await readSessionUser(db, { sessionId: fresh, userId: operator.id })).toBeNull();
    // Another company's admin names a person it does not have.
    const stranger = await seedTestCompany();
    await expect(callerFor({ id: stranger.admin.id, companyId: stranger.companyId, role: "admin" }).people.signOutEverywhere({ userId: operator.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("an admin's password reset emails a one-hour link; using it ends every session of the person", async () => {
    const { co, operator, ids } = await signedIn();
    const admin = callerFor({ id: co.admin.id, companyId: co.companyId, role: "admin" });
    // The operator chose no language: the company's email language applies.
    await db.update(companies).set({ locale: "ru" }).where(eq(companies.id, co.companyId));
    const sent = await admin.people.sendPasswordReset({ userId: operator.id });
    const [mail] = await db.select().from(emailDeliveries).where(eq(emailDeliveries.id, sent.emailId));
    expect(mail).toMatchObject({ kind: "password_reset", toAddress: co.operators[0]!.email });
    expect(mail!.subject).toBe("Новый пароль для Switchboard");
    expect(mail!.textBody).toContain("Alex Admin");
    const state = await inspectSetPasswordToken(db, linkToken(mail!.html));
    expect(state).toMatchObject({ ok: true, purpose: "reset_password", userId: operator.id });
    if (state.ok) {
      const [token] = await db.select().from(userTokens).where(eq(userTokens.id, state.tokenId));
      const ttl = token!.expiresAt.getTime() - token!.createdAt.getTime();
      expect(ttl).toBeGreaterThan(59 * 60_000);
      expect(ttl).toBeLessThanOrEqual(60 * 60_000 + 5_000);
    }
    await setPasswordWithToken({ db }, { token: linkToken(mail!.html), password: "reset to something long" });
    expect(await readSessionUser(db, ids)).toBeNull();
  });
});
