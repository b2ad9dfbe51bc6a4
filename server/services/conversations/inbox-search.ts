import { sql, type SQL } from "drizzle-orm";
import { contacts, messages } from "../../../db/schema";

/**
 * Inbox search uses PostgreSQL full text with the 'simple' configuration: it lower-cases and splits words in
 * any language (Russian, Ukrainian, English alike) without stemming, it is built into PostgreSQL and the
 * embedded PGlite (pg_trgm is an extension PGlite would have to load), and GIN indexes on the very same
 * expressions (db/schema/conversations.ts) keep it fast at a million messages. Each word typed matches as a
 * prefix ("замов" finds "замовлення"); every word must match.
 */
export function toSearchQuery(input: string | undefined): string | null {
  if (!input) return null;
  const words = (input.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 8);
  if (words.length === 0) return null;
  // Only letters and digits remain, so quoting cannot be broken out of.
  return words.map((w) => `'${w}':*`).join(" & ");
}

/** The contact's name and handle, exactly as contacts_search_idx indexes them. */
export const contactSearchVector = sql`to_tsvector('simple'::regconfig, sc.display_name || ' ' || coalesce(sc.username, ''))`;

/**
 * A conversation matches by its contact (contacts_search_idx), or by a word of one of its messages
 * (messages_text_search_idx). Both sets come from their GIN index first; the tab's index then reads conversations
 * in page order and keeps those in either set.
 */
export function conversationMatches(companyId: string, contactId: SQL | unknown, conversationId: SQL | unknown, query: string): SQL {
  const q = sql`to_tsquery('simple'::regconfig, ${query})`;
  const byContact = sql`select sc.id from ${contacts} sc where sc.company_id = ${companyId} and ${contactSearchVector} @@ ${q}`;
  const byMessage = sql`select sm.conversation_id from ${messages} sm where sm.company_id = ${companyId} and to_tsvector('simple'::regconfig, sm.text) @@ ${q}`;
  return sql`(${contactId} in (${byContact}) or ${conversationId} in (${byMessage}))`;
}
