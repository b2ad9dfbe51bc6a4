import { sql } from "drizzle-orm";
import { index, integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { contacts } from "./conversations";
import { companyRef, users } from "./companies";
import { createdAt, updatedAt } from "./columns";

/**
 * Who did what, for actions that must be provable later (a contact's erasure; merging contacts into one person
 * and splitting them, which decide whose conversations are shown together): the actor, the action, the id of
 * the thing acted on and when — never a name, a text or anything else of the content. Kept as long as the
 * company.
 */
export const auditEvents = pgTable(
  "audit_events",
  {
    id: uuid().primaryKey().defaultRandom(),
    companyId: companyRef(),
    /** Null when the person has been deleted since (the entry stays). */
    actorUserId: uuid().references(() => users.id, { onDelete: "set null" }),
    /** A fixed word: contact.erasure_requested, person.erasure_requested, contact.erased, contact.merged, contact.split. */
    action: text().$type<AuditAction>().notNull(),
    /**
     * The id of what was acted on (for an erasure: the contact_erasures row, never the contact; for a person's
     * erasure: the request, contact_erasures.request_id of each of its rows; for a merge: the contact that joined
     * the other's person; for a split: the contact split out).
     */
    subjectId: uuid().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().default(sql`clock_timestamp()`),
  },
  (t) => [index("audit_events_company_idx").on(t.companyId, t.createdAt)],
);

export type AuditAction = "contact.erasure_requested" | "person.erasure_requested" | "contact.erased" | "contact.merged" | "contact.split";

export type ContactErasureStatus = "queued" | "running" | "done" | "failed";

/**
 * An admin's request to erase a contact (GDPR): the durable job's state and progress (server/jobs/contact-erasures.ts,
 * pg-boss). `contactId` points at the contact while there is one: deleting the contact — the erasure's last step —
 * clears it, so a finished row holds only counts. A person's erasure (every contact merged into one person) is one
 * row per contact sharing `requestId`.
 */
export const contactErasures = pgTable(
  "contact_erasures",
  {
    id: uuid().primaryKey().defaultRandom(),
    companyId: companyRef(),
    contactId: uuid().references(() => contacts.id, { onDelete: "set null" }),
    /** A person's erasure: the request every row of it shares (null for one contact's erasure). */
    requestId: uuid(),
    requestedBy: uuid().references(() => users.id, { onDelete: "set null" }),
    status: text().$type<ContactErasureStatus>().notNull().default("queued"),
    /** What was erased so far: counts only. */
    messages: integer().notNull().default(0),
    files: integer().notNull().default(0),
    rawEvents: integer().notNull().default(0),
    attempts: integer().notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    finishedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    index("contact_erasures_contact_idx").on(t.contactId),
    index("contact_erasures_request_idx").on(t.requestId).where(sql`${t.requestId} is not null`),
    index("contact_erasures_unfinished_idx").on(t.createdAt).where(sql`${t.status} in ('queued', 'running')`),
  ],
);
