import { and, eq, isNull } from "drizzle-orm";
import { users } from "../../../db/schema";
import { DomainError } from "../../errors";
import { hashPassword, verifyPassword } from "../../identity/password";
import { assertSignInAllowed, recordSignInFailure, ThrottledError } from "../sessions/throttle";
import { terminateSessionSockets } from "../../realtime/publish";
import type { ServiceContext } from "../context";
import { endUserSessions } from "../sessions/end-sessions";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "./set-password-with-token";

/**
 * A signed-in person changes their own password with the current one. Wrong current passwords count against the
 * same throttle as sign-in (a stolen session cannot guess its way to the password). Every other session of theirs
 * ends; the one that changed it stays.
 */
export async function changePassword({ ctx, input }: { ctx: ServiceContext & { sessionId?: string; client: string }; input: { current: string; next: string } }) {
  if (ctx.actor.kind !== "user") throw new DomainError("forbidden", "errors.forbidden");
  const userId = ctx.actor.userId;
  if (input.next.length < MIN_PASSWORD_LENGTH || input.next.length > MAX_PASSWORD_LENGTH) throw new DomainError("invalid", "people.setPassword.tooShort");
  const [user] = await ctx.db.select().from(users).where(and(eq(users.id, userId), eq(users.companyId, ctx.companyId), isNull(users.deactivatedAt)));
  if (!user?.passwordHash) throw new DomainError("precondition_failed", "account.password.wrongCurrent");
  try {
    await assertSignInAllowed(user.email, ctx.client);
    if (!(await verifyPassword(user.passwordHash, input.current))) {
      await recordSignInFailure(user.email, ctx.client);
      throw new DomainError("invalid", "account.password.wrongCurrent");
    }
  } catch (error) {
    if (error instanceof ThrottledError) throw new DomainError("precondition_failed", "account.password.throttled");
    throw error;
  }
  const passwordHash = await hashPassword(input.next);
  const ended = await ctx.db.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash }).where(eq(users.id, userId));
    return endUserSessions(tx, { companyId: ctx.companyId, userId, reason: "password_changed", keep: ctx.sessionId });
  });
  await terminateSessionSockets(ended);
  return { endedSessions: ended.length };
}
