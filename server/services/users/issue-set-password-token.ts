import { and, eq, gt, isNull } from "drizzle-orm";
import type { DbOrTx } from "../../../db";
import { userTokens } from "../../../db/schema";
import { env } from "../../env.js";
import { newSetPasswordToken, SET_PASSWORD_TOKEN_TTL_MS } from "./set-password-token";

/**
 * A fresh single-use set-password link for a user; any earlier unused link of theirs stops working, so only
 * the newest invitation is valid. Returns the link (with the raw token, never stored) and the token row id.
 */
export async function issueSetPasswordToken(db: DbOrTx, { companyId, userId, now = new Date() }: { companyId: string; userId: string; now?: Date }) {
  await db
    .update(userTokens)
    .set({ expiresAt: now })
    .where(and(eq(userTokens.userId, userId), eq(userTokens.companyId, companyId), eq(userTokens.purpose, "set_password"), isNull(userTokens.usedAt), gt(userTokens.expiresAt, now)));
  const { token, tokenHash } = newSetPasswordToken();
  const expiresAt = new Date(now.getTime() + SET_PASSWORD_TOKEN_TTL_MS);
  const [row] = await db.insert(userTokens).values({ companyId, userId, purpose: "set_password", tokenHash, expiresAt }).returning({ id: userTokens.id });
  const link = `${env().APP_URL}/set-password?token=${encodeURIComponent(token)}`;
  return { tokenId: row!.id, token, link, expiresAt };
}
