import { and, eq, gt, isNull } from "drizzle-orm";
import type { Database } from "../../../db";
import { users, userTokens } from "../../../db/schema";
import { hashPassword } from "../../identity/password";
import { clearAccountFailures } from "../sessions/throttle";
import { terminateSessionSockets } from "../../realtime/publish";
import { endUserSessions } from "../sessions/end-sessions";
import { DomainError } from "../../errors";
import { inspectSetPasswordToken } from "./inspect-set-password-token";

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 1024;

/**
 * The invited person's first password (public: the token is the credential). The token is single-use: it is
 * marked used in the same transaction that sets the password, under a row lock, so two submits cannot both win.
 * Refusals carry a message key that says why in words (invalid, expired, used, deactivated, too short).
 * A new password ends every session the person had (a reset is what someone does when a password leaked), and
 * clears the account's sign-in throttle, so the owner of a locked account gets back in this way.
 */
export async function setPasswordWithToken({ db }: { db: Database }, input: { token: string; password: string }): Promise<{ email: string }> {
  if (input.password.length < MIN_PASSWORD_LENGTH) throw new DomainError("invalid", "people.setPassword.tooShort");
  if (input.password.length > MAX_PASSWORD_LENGTH) throw new DomainError("invalid", "people.setPassword.tooShort");
  const before = await inspectSetPasswordToken(db, input.token);
  if (!before.ok) throw new DomainError("precondition_failed", `people.setPassword.${before.reason}`);
  // Hashing is slow on purpose: do it before taking the lock.
  const passwordHash = await hashPassword(input.password);
  const result = await db.transaction(async (tx) => {
    const [claimed] = await tx
      .update(userTokens)
      .set({ usedAt: new Date() })
      .where(and(eq(userTokens.id, before.tokenId), isNull(userTokens.usedAt), gt(userTokens.expiresAt, new Date())))
      .returning({ id: userTokens.id });
    if (!claimed) throw new DomainError("precondition_failed", "people.setPassword.used");
    const [user] = await tx
      .update(users)
      .set({ passwordHash })
      .where(and(eq(users.id, before.userId), isNull(users.deactivatedAt)))
      .returning({ email: users.email });
    if (!user) throw new DomainError("precondition_failed", "people.setPassword.deactivated");
    const ended = await endUserSessions(tx, { companyId: before.companyId, userId: before.userId, reason: "password_reset" });
    return { email: user.email, ended };
  });
  await terminateSessionSockets(result.ended);
  await clearAccountFailures(result.email);
  return { email: result.email };
}
