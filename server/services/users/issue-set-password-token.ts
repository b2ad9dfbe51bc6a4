import { and, eq, gt, isNull } from "drizzle-orm";
import type { DbOrTx } from "../../../db";
import { userTokens } from "../../../db/schema";
import { env } from "../../env.js";
import { newSetPasswordToken, RESET_PASSWORD_TOKEN_TTL_MS, SET_PASSWORD_TOKEN_TTL_MS, type PasswordTokenPurpose } from "./set-password-token";

/**
 * A fresh single-use set-password link for a user (an invitation, or a password reset for 1 hour); any earlier
 * unused link of theirs stops working, so only the newest is valid. Returns the link (with the raw token, never
 * stored) and the token row id.
 */
export async function issueSetPasswordToken(
  db: DbOrTx,
  { companyId, userId, purpose = "set_password", now = new Date() }: { companyId: string; userId: string; purpose?: PasswordTokenPurpose; now?: Date },
) {
  await db
    .update(userTokens)
    .set({ expiresAt: now })
    .where(and(eq(userTokens.userId, userId), eq(userTokens.companyId, companyId), isNull(userTokens.usedAt), gt(userTokens.expiresAt, now)));
  const { token, tokenHash } = newSetPasswordToken();
  const expiresAt = new Date(now.getTime() + (purpose === "reset_password" ? RESET_PASSWORD_TOKEN_TTL_MS : SET_PASSWORD_TOKEN_TTL_MS));
  const [row] = await db.insert(userTokens).values({ companyId, userId, purpose, tokenHash, expiresAt }).returning({ id: userTokens.id });
  const link = `${env().APP_URL}/set-password?token=${encodeURIComponent(token)}`;
  return { tokenId: row!.id, token, link, expiresAt };
}
