import { customType, timestamp } from "drizzle-orm/pg-core";

export const createdAt = () => timestamp({ withTimezone: true }).notNull().defaultNow();
export const updatedAt = () => timestamp({ withTimezone: true }).notNull().defaultNow();

/** Raw bytes (attachments, webhook bodies kept exactly as signed). */
export const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => "bytea" });
/** Full-text terms; written by the database (triggers), read only inside queries. */
export const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });
