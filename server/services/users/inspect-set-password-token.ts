import { eq } from "drizzle-orm";
import type { DbOrTx } from "../../../db";
import { companies, users, userTokens } from "../../../db/schema";
import { hashSetPasswordToken, type PasswordTokenPurpose } from "./set-password-token";

export type SetPasswordTokenState =
  | { ok: true; tokenId: string; purpose: PasswordTokenPurpose; userId: string; companyId: string; name: string; email: string; companyName: string }
  | { ok: false; reason: "invalid" | "expired" | "used" | "deactivated"; purpose?: PasswordTokenPurpose };

/**
 * What a set-password link is worth, before and while it is used: the public set-password page shows who it is
 * for, or why it cannot be used, in words. The token is found only by its SHA-256.
 */
export async function inspectSetPasswordToken(db: DbOrTx, token: string, now = new Date()): Promise<SetPasswordTokenState> {
  if (!token || token.length > 200) return { ok: false, reason: "invalid" };
  const [row] = await db
    .select({ token: userTokens, user: users, companyName: companies.name })
    .from(userTokens)
    .innerJoin(users, eq(users.id, userTokens.userId))
    .innerJoin(companies, eq(companies.id, userTokens.companyId))
    .where(eq(userTokens.tokenHash, hashSetPasswordToken(token)))
    .limit(1);
  if (!row || row.user.companyId !== row.token.companyId) return { ok: false, reason: "invalid" };
  const purpose = row.token.purpose;
  if (row.token.usedAt) return { ok: false, reason: "used", purpose };
  if (row.token.expiresAt <= now) return { ok: false, reason: "expired", purpose };
  if (row.user.deactivatedAt) return { ok: false, reason: "deactivated", purpose };
  return { ok: true, tokenId: row.token.id, purpose, userId: row.user.id, companyId: row.user.companyId, name: row.user.name, email: row.user.email, companyName: row.companyName };
}
