import { env } from "../../env.js";

/** How long a session lives: idle (no request for this long) and absolute (since sign-in), from configuration. */
export function sessionLimits() {
  const e = env();
  return { idleMs: e.SESSION_IDLE_MINUTES * 60_000, maxMs: e.SESSION_MAX_HOURS * 3_600_000 };
}

/** A session's last-seen time moves at most this often: one small write a minute, not one per request. */
export const TOUCH_EVERY_MS = 60_000;

export type SessionEndReason = "sign_out" | "password_changed" | "password_reset" | "deactivated" | "signed_out_everywhere";
