import { boolean, index, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { userAvailability, userRole } from "./enums";
import { createdAt } from "./columns";

export const companies = pgTable("companies", {
  id: uuid().primaryKey().defaultRandom(),
  name: text().notNull(),
  /** Where connection-loss emails go (F1): the address the company registered with. */
  registrationEmail: text().notNull(),
  /** Language of the company's emails (connection-loss alerts go to one address, in one language). */
  locale: text().notNull().default("en"),
  /** The company's time zone (IANA name): every time in its emails and on its health charts, with the zone named. */
  timeZone: text().notNull().default("UTC"),
  createdAt: createdAt(),
});

/** The tenant every row belongs to; every query filters on it. Deleting a company deletes its rows. */
export const companyRef = () =>
  uuid()
    .notNull()
    .references(() => companies.id, { onDelete: "cascade" });

export const users = pgTable(
  "users",
  {
    id: uuid().primaryKey().defaultRandom(),
    companyId: companyRef(),
    email: text().notNull(),
    name: text().notNull(),
    /** Null until an invited user sets a password through the emailed link. */
    passwordHash: text(),
    role: userRole().notNull().default("operator"),
    /** The language this person chose with the switch; null until they choose (the browser's language applies). */
    locale: text(),
    /** Deactivated users cannot sign in, and their open sessions end at once (every request re-reads the user). */
    deactivatedAt: timestamp({ withTimezone: true }),
    /** Online / Away: automatic assignment and team routing give new conversations only to people online. */
    availability: userAvailability().notNull().default("online"),
    /** When availability last changed (the nav shows "Away since …"). */
    availabilityChangedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** Away because the browser saw no input for a while (or the person signed out): activity brings them back online. */
    availabilityAuto: boolean().notNull().default(false),
    /**
     * When one of the person's open tabs last reported in (every minute, and on sign-in): routing counts someone
     * Online only if seen within SEEN_WITHIN_MS, and a sweep makes the unseen Away. Null: never seen.
     */
    lastSeenAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("users_email_unique").on(t.email), index("users_company_idx").on(t.companyId)],
);

export const teams = pgTable(
  "teams",
  {
    id: uuid().primaryKey().defaultRandom(),
    companyId: companyRef(),
    name: text().notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("teams_company_name_unique").on(t.companyId, t.name)],
);

export const teamMembers = pgTable(
  "team_members",
  {
    teamId: uuid()
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.userId] })],
);

/** A support queue. Channels of several messengers feed one line; routing sends its threads to a team. */
export const lines = pgTable(
  "lines",
  {
    id: uuid().primaryKey().defaultRandom(),
    companyId: companyRef(),
    name: text().notNull(),
    defaultTeamId: uuid().references(() => teams.id, { onDelete: "set null" }),
    /** When on, a new conversation on this line is assigned at once to an operator of the default team. */
    autoRoute: boolean().notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("lines_company_name_unique").on(t.companyId, t.name)],
);

/**
 * Single-use links sent by email (invitation / set password). Only a SHA-256 of the token is kept, so a
 * database leak gives no working link.
 */
export const userTokens = pgTable(
  "user_tokens",
  {
    id: uuid().primaryKey().defaultRandom(),
    companyId: companyRef(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    purpose: text().$type<"set_password" | "reset_password">().notNull(),
    tokenHash: text().notNull(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    usedAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("user_tokens_hash_unique").on(t.tokenHash), index("user_tokens_user_idx").on(t.userId)],
);
