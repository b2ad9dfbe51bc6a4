import { index, pgTable, primaryKey, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { userRole } from "./enums";
import { companyRef, createdAt } from "./columns";

export const companies = pgTable("companies", {
  id: uuid().primaryKey().defaultRandom(),
  name: text().notNull(),
  /** Where connection-loss emails go (F1): the address the company registered with. */
  registrationEmail: text().notNull(),
  createdAt: createdAt(),
});

export const users = pgTable(
  "users",
  {
    id: uuid().primaryKey().defaultRandom(),
    companyId: companyRef(),
    email: text().notNull(),
    name: text().notNull(),
    passwordHash: text().notNull(),
    role: userRole().notNull().default("operator"),
    locale: text().notNull().default("en"),
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
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("lines_company_name_unique").on(t.companyId, t.name)],
);
