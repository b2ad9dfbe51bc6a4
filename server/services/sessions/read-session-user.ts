import { and, eq, gt, isNotNull, isNull } from "drizzle-orm";
import type { DbOrTx } from "../../../db";
import { authSessions, users } from "../../../db/schema";
import type { SessionUser } from "../../identity/session-user";
import { sessionLimits, TOUCH_EVERY_MS, type SessionEndReason } from "./session-policy";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The person behind a session cookie, or null when the session ended (sign-out, password change, deactivation,
 * "sign out everywhere"), went idle, passed its absolute end, or the person is deactivated. One indexed read per
 * request; the last-seen time is written at most once a minute.
 */
export async function readSessionUser(db: DbOrTx, ids: { sessionId: string; userId: string }, now = new Date()): Promise<(SessionUser & { sessionId: string }) | null> {
  if (!UUID.test(ids.sessionId) || !UUID.test(ids.userId)) return null;
  const { idleMs } = sessionLimits();
  const [row] = await db
    .select({ user: users, lastSeenAt: authSessions.lastSeenAt })
    .from(authSessions)
    .innerJoin(users, eq(users.id, authSessions.userId))
    .where(
      and(
        eq(authSessions.id, ids.sessionId),
        eq(authSessions.userId, ids.userId),
        isNull(authSessions.endedAt),
        gt(authSessions.expiresAt, now),
        gt(authSessions.lastSeenAt, new Date(now.getTime() - idleMs)),
        isNull(users.deactivatedAt),
      ),
    )
    .limit(1);
  if (!row) return null;
  if (now.getTime() - row.lastSeenAt.getTime() >= TOUCH_EVERY_MS) {
    await db.update(authSessions).set({ lastSeenAt: now }).where(eq(authSessions.id, ids.sessionId));
  }
  const { user } = row;
  return { id: user.id, companyId: user.companyId, role: user.role, name: user.name, email: user.email, locale: user.locale ?? undefined, sessionId: ids.sessionId };
}

/**
 * Why this browser's session ended, read from the ended session its cookie still names: the sign-in page says
 * "an admin deactivated your account" rather than "sign in again" to someone who cannot. Null when the session
 * has not ended (or the ids name none).
 */
export async function readSessionEndReason(db: DbOrTx, ids: { sessionId: string; userId: string }): Promise<SessionEndReason | null> {
  if (!UUID.test(ids.sessionId) || !UUID.test(ids.userId)) return null;
  const [row] = await db
    .select({ endReason: authSessions.endReason })
    .from(authSessions)
    .where(and(eq(authSessions.id, ids.sessionId), eq(authSessions.userId, ids.userId), isNotNull(authSessions.endedAt)))
    .limit(1);
  return row?.endReason ?? null;
}
