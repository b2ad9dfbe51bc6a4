import { sql, type SQL } from "drizzle-orm";
import { conversationTerms } from "../../../db/schema";

/**
 * Inbox search uses PostgreSQL full text with the 'simple' configuration: it lower-cases and splits words in
 * any language (Russian, Ukrainian, English alike) without stemming, it is built into PostgreSQL and the
 * embedded PGlite (pg_trgm is an extension PGlite would have to load). Each word typed matches as a prefix
 * ("замов" finds "замовлення"); every word must match.
 */
export function toSearchQuery(input: string | undefined): string | null {
  if (!input) return null;
  const words = (input.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 8);
  if (words.length === 0) return null;
  // Only letters and digits remain, so quoting cannot be broken out of.
  return words.map((w) => `'${w}':*`).join(" & ");
}

/**
 * A conversation matches when its terms (conversation_terms: its contact's name and handle and the words of all its
 * messages) hold every word searched. One row per conversation, so a page is read in the tab's order and stops at
 * its limit when matches are common, and comes from conversation_terms_idx (GIN) when they are rare — the planner
 * chooses by the words' statistics.
 */
export function conversationMatches(conversationId: SQL | unknown, query: string): SQL {
  return sql`exists (select 1 from ${conversationTerms} st where st.conversation_id = ${conversationId} and st.terms @@ to_tsquery('simple'::regconfig, ${query}))`;
}

/** The same test, one conversation at a time: its terms read by primary key (never joined to every match). */
export function termsMatch(conversationId: SQL | unknown, query: string): SQL {
  return sql`(select st.terms from ${conversationTerms} st where st.conversation_id = ${conversationId}) @@ to_tsquery('simple'::regconfig, ${query})`;
}
