import { index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { companyRef, users } from "./companies";
import { contacts } from "./conversations";

/**
 * What the team knows about a customer (the inbox's contact panel), written on one contact and shown for every
 * contact of its person (contacts.person_id): a merge shows both sides' notes together, and splitting a contact out
 * again takes its own notes with it. Erasing a contact erases its notes (cascade).
 */
export const contactNotes = pgTable(
  "contact_notes",
  {
    id: uuid().primaryKey().defaultRandom(),
    companyId: companyRef(),
    contactId: uuid()
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    /** Kept when the author leaves the company: the note stays, shown without a name. */
    authorId: uuid().references(() => users.id, { onDelete: "set null" }),
    text: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("contact_notes_contact_idx").on(t.contactId, t.createdAt)],
);
