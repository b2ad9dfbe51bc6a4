import { sql, type SQL } from "drizzle-orm";
import { conversationTerms } from "../../../db/schema";

/**
 * Inbox search uses PostgreSQL full text with the 'simple' configuration: it lower-cases and splits words in
 * any language (Russian, Ukrainian, English alike), it is built into PostgreSQL and the embedded PGlite alike
 * (pg_trgm is an extension PGlite would have to load; PostgreSQL has no Ukrainian snowball stemmer). The stored
 * terms (switchboard_terms, migration "search_folding") fold ё into е, and hold each contact's handle whole as
 * `@handle`. A query is built here, so it is the same on every database:
 *   - a word typed is folded the same way and loses one inflectional ending (Russian and Ukrainian, see
 *     searchStem), then matches as a prefix: "заказа" finds "заказ", "замовленням" finds "замовлення", "все"
 *     finds "всё", "замов" finds "замовлення";
 *   - `@petro_b` (or a bare `petro_b`: handles are the only words with an underscore) matches handles beginning
 *     with it, never the name words "petro" and "b" apart;
 *   - every word must match.
 */
export function toSearchQuery(input: string | undefined): string | null {
  if (!input) return null;
  const terms: string[] = [];
  for (const chunk of foldSearchText(input).split(/\s+/)) {
    const handle = HANDLE.exec(chunk);
    if (handle && (chunk.startsWith("@") || handle[1]!.includes("_"))) {
      terms.push(`'@${handle[1]}':*`);
      continue;
    }
    for (const word of chunk.match(/[\p{L}\p{N}]+/gu) ?? []) terms.push(`'${searchStem(word)}':*`);
  }
  if (terms.length === 0) return null;
  // Only letters, digits, "_", "." and a leading "@" remain, so quoting cannot be broken out of.
  return [...new Set(terms)].slice(0, 8).join(" & ");
}

/** A handle as messengers allow it (Telegram, VK, Instagram): letters, digits, "_" and "."; an optional "@" before. */
const HANDLE = /^@?([\p{L}\p{N}_.]*[\p{L}\p{N}_])$/u;

/** Lower case, ё as е: what the stored terms hold (switchboard_terms folds the same way). */
export function foldSearchText(text: string): string {
  return text.toLowerCase().replace(/ё/g, "е");
}

/**
 * Inflectional endings of Russian and Ukrainian nouns, adjectives and past-tense verbs, longest first. A light
 * stemmer: the word typed loses the longest one that leaves at least three letters, and the rest matches as a
 * prefix, so every form that shares the stem is found (a few more words may share it: a search, not a dictionary).
 */
const ENDINGS = [
  "иями", "ями", "ами", "иях", "ого", "его", "ому", "ему", "ыми", "ими", "іми", "ові", "еві", "ією",
  "ої", "ою", "ею", "ей", "ой", "ий", "ый", "ій", "ая", "яя", "ое", "ее", "ые", "ие", "ую", "юю", "ах", "ях",
  "ам", "ям", "ом", "ем", "им", "ім", "ым", "ов", "ев", "ів", "їв", "ия", "ии", "ью", "ла", "ли", "ло", "ть", "ти",
  "а", "я", "о", "е", "ы", "и", "і", "ї", "у", "ю", "ь", "й", "є",
].sort((a, b) => b.length - a.length);
const CYRILLIC = /^[\p{Script=Cyrillic}]+$/u;
const MIN_STEM = 3;

/** The stem searched for a folded word: Cyrillic words lose one ending (see ENDINGS); others stay as typed. */
export function searchStem(word: string): string {
  if (!CYRILLIC.test(word)) return word;
  for (const ending of ENDINGS) {
    if (word.length - ending.length >= MIN_STEM && word.endsWith(ending)) return word.slice(0, -ending.length);
  }
  return word;
}

/**
 * A conversation matches when its terms (conversation_terms: its contact's name and handle and the words of all its
 * messages) hold every word searched. One row per conversation, so a page is read in the tab's order and stops at
 * its limit when matches are common, and comes from conversation_terms_idx (GIN) when they are rare — the planner
 * chooses by the words' statistics. The query is cast, not parsed by a configuration: its lexemes are already
 * folded, and `@handle` must stay one lexeme.
 */
export function conversationMatches(conversationId: SQL | unknown, query: string): SQL {
  return sql`exists (select 1 from ${conversationTerms} st where st.conversation_id = ${conversationId} and st.terms @@ ${query}::tsquery)`;
}

/** The same test, one conversation at a time: its terms read by primary key (never joined to every match). */
export function termsMatch(conversationId: SQL | unknown, query: string): SQL {
  return sql`(select st.terms from ${conversationTerms} st where st.conversation_id = ${conversationId}) @@ ${query}::tsquery`;
}
