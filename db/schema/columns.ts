import { customType, timestamp, uuid } from "drizzle-orm/pg-core";
import { companies } from "./companies";

/** The tenant every row belongs to; every query filters on it. Deleting a company deletes its rows. */
export const companyRef = () =>
  uuid()
    .notNull()
    .references(() => companies.id, { onDelete: "cascade" });

export const createdAt = () => timestamp({ withTimezone: true }).notNull().defaultNow();
export const updatedAt = () => timestamp({ withTimezone: true }).notNull().defaultNow();

/** Raw bytes (attachments, webhook bodies kept exactly as signed). */
export const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => "bytea" });
/** Full-text terms; written by the database (triggers), read only inside queries. */
export const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });
