import { sql } from "drizzle-orm";
import { index, jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { companyRef, users } from "./companies";
import { createdAt, updatedAt } from "./columns";

/** The languages a saved reply may be written in: the catalogs' languages. */
export type SavedReplyBodies = Partial<Record<"en" | "ru" | "uk", string>>;

/**
 * A saved reply: a short code (`refund`, typed as `/refund`), a title, and its text in one or more languages.
 * Company-wide when it has no owner (admins manage it), personal to its owner otherwise. Codes are unique per scope.
 */
export const savedReplies = pgTable(
  "saved_replies",
  {
    id: uuid().primaryKey().defaultRandom(),
    companyId: companyRef(),
    ownerId: uuid().references(() => users.id, { onDelete: "cascade" }),
    /** Lower case, without the slash. */
    code: text().notNull(),
    title: text().notNull(),
    bodies: jsonb().$type<SavedReplyBodies>().notNull(),
    /** The variant used when the conversation's language has none. */
    defaultLocale: text().$type<"en" | "ru" | "uk">().notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("saved_replies_company_code_unique").on(t.companyId, t.code).where(sql`${t.ownerId} is null`),
    uniqueIndex("saved_replies_owner_code_unique").on(t.ownerId, t.code).where(sql`${t.ownerId} is not null`),
    index("saved_replies_company_idx").on(t.companyId),
  ],
);
