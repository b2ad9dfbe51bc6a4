import { index, integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { companyRef, users } from "./companies";
import { createdAt } from "./columns";

/**
 * A signed-in browser. The session cookie (a JWT) carries this row's id; every request checks the row, so
 * sign-out, a password change, a deactivation or "sign out everywhere" ends the session at once, and a cookie
 * copied before that is worth nothing afterwards. Idle and absolute lifetimes are checked here too.
 */
export const authSessions = pgTable(
  "auth_sessions",
  {
    id: uuid().primaryKey().defaultRandom(),
    companyId: companyRef(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
    /** Moved forward at most once a minute by the requests the session makes (the idle limit counts from it). */
    lastSeenAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** The absolute end, whatever the activity. */
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    endedAt: timestamp({ withTimezone: true }),
    endReason: text().$type<"sign_out" | "password_changed" | "password_reset" | "deactivated" | "signed_out_everywhere">(),
  },
  (t) => [index("auth_sessions_user_idx").on(t.userId)],
);

/**
 * Throttling counters (rate-limiter-flexible's Drizzle store): sign-in failures per account and per client,
 * password-reset requests. In the database, so every app instance counts the same attempts.
 */
export const rateLimits = pgTable("rate_limits", {
  key: text().primaryKey(),
  points: integer().notNull().default(0),
  expire: timestamp({ withTimezone: true }),
});
