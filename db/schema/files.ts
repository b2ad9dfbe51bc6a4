import { sql } from "drizzle-orm";
import { check, index, integer, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { bytea, createdAt } from "./columns";
import { companyRef } from "./companies";

/**
 * Attachments: customers' files fetched from providers (within F7's inbound limits) and files operators upload to
 * send. The row holds what the app needs to know (company, name, type, size, sha256); the bytes live either in the
 * row (`data`: the embedded default, so both database modes store them the same way and backups include them) or
 * in S3-compatible object storage under `storage_key` when it is configured. Exactly one of the two is set.
 */
export const storedFiles = pgTable(
  "stored_files",
  {
    id: uuid().primaryKey().defaultRandom(),
    companyId: companyRef(),
    name: text().notNull(),
    mimeType: text().notNull(),
    sizeBytes: integer().notNull(),
    sha256: text().notNull(),
    data: bytea(),
    storageKey: text(),
    createdAt: createdAt(),
  },
  (t) => [
    index("stored_files_company_idx").on(t.companyId),
    // Whether any file's bytes are in object storage, asked by readiness on every probe when none is configured.
    index("stored_files_in_object_storage_idx").on(t.id).where(sql`${t.storageKey} is not null`),
    check("stored_files_bytes_in_one_place", sql`(${t.data} is null) <> (${t.storageKey} is null)`),
  ],
);

/**
 * Objects whose stored_files rows were deleted and which object storage still has to forget. Written in the same
 * transaction as the rows' deletion, so an object is only ever removed once nothing can point at it any more, and a
 * failed or interrupted removal is retried by the periodic pass instead of leaving the customer's file behind.
 */
export const storedFileObjectDeletions = pgTable("stored_file_object_deletions", {
  storageKey: text().primaryKey(),
  attempts: integer().notNull().default(0),
  createdAt: createdAt(),
});
