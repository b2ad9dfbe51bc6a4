import { createHash, randomBytes } from "node:crypto";

/** Invitation links work for 7 days; password reset links for 1 hour (OWASP: short-lived, single-use). */
export const SET_PASSWORD_TOKEN_TTL_MS = 7 * 24 * 60 * 60 * 1000;
export const RESET_PASSWORD_TOKEN_TTL_MS = 60 * 60 * 1000;
export type PasswordTokenPurpose = "set_password" | "reset_password";

/** Only this digest is stored: a database leak gives no working link. */
export function hashSetPasswordToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

export function newSetPasswordToken(): { token: string; tokenHash: string } {
  const token = randomBytes(32).toString("base64url");
  return { token, tokenHash: hashSetPasswordToken(token) };
}
