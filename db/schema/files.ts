import { index, integer, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { bytea, createdAt } from "./columns";
import { companyRef } from "./companies";

/**
 * Attachment bytes: customers' files fetched from providers (within F7's inbound limits) and files operators
 * upload to send. Kept in Postgres so both database modes store them the same way and backups include them.
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
    data: bytea().notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("stored_files_company_idx").on(t.companyId)],
);
