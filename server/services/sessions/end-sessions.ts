import { and, eq, isNull, ne } from "drizzle-orm";
import type { DbOrTx } from "../../../db";
import { authSessions } from "../../../db/schema";
import { terminateSessionSockets } from "../../realtime/publish";
import type { SessionEndReason } from "./session-policy";

/** Ends one session (sign-out). Its realtime sockets are closed too. */
export async function endSession(db: DbOrTx, sessionId: string, reason: SessionEndReason): Promise<void> {
  const ended = await db
    .update(authSessions)
    .set({ endedAt: new Date(), endReason: reason })
    .where(and(eq(authSessions.id, sessionId), isNull(authSessions.endedAt)))
    .returning({ id: authSessions.id });
  await terminateSessionSockets(ended.map((s) => s.id));
}

/**
 * Ends every open session of a person (password change or reset, deactivation, "sign out everywhere"), except
 * `keep` (the browser that changed its own password stays signed in). Returns the ended ids; the caller closes
 * their realtime sockets with `terminateSessionSockets` once its transaction has committed.
 */
export async function endUserSessions(db: DbOrTx, input: { companyId: string; userId: string; reason: SessionEndReason; keep?: string }): Promise<string[]> {
  const ended = await db
    .update(authSessions)
    .set({ endedAt: new Date(), endReason: input.reason })
    .where(
      and(
        eq(authSessions.companyId, input.companyId),
        eq(authSessions.userId, input.userId),
        isNull(authSessions.endedAt),
        input.keep ? ne(authSessions.id, input.keep) : undefined,
      ),
    )
    .returning({ id: authSessions.id });
  return ended.map((s) => s.id);
}
