import type { DbOrTx } from "../../../db";
import { authSessions } from "../../../db/schema";
import { sessionLimits } from "./session-policy";

/** A new session row at sign-in; its id goes into the session cookie and is checked on every request. */
export async function startSession(db: DbOrTx, user: { id: string; companyId: string }, now = new Date()): Promise<string> {
  const [row] = await db
    .insert(authSessions)
    .values({ companyId: user.companyId, userId: user.id, createdAt: now, lastSeenAt: now, expiresAt: new Date(now.getTime() + sessionLimits().maxMs) })
    .returning({ id: authSessions.id });
  return row!.id;
}
