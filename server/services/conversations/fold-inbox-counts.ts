import { sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db";

/**
 * Folds what the inbox's triggers append rather than wait for (db/schema/conversations.ts): count changes
 * (inbox_count_deltas) into the count groups (inbox_counts), and words whose conversation's terms row was held by
 * another transaction (conversation_term_backlog) into conversation_terms. One folder at a time for each (the
 * others return at once). Counts are exact whether or not it ran; the backlog's words become searchable when it
 * runs. Run by the ingest worker's housekeeping every few seconds.
 */
export async function foldInboxCounts(db: DbOrTx): Promise<{ groups: number; conversations: number }> {
  const [row] = (await db.execute(sql`select switchboard_fold_inbox_counts() as groups, switchboard_fold_conversation_terms() as conversations`)) as unknown as {
    groups: number;
    conversations: number;
  }[];
  return { groups: row?.groups ?? 0, conversations: row?.conversations ?? 0 };
}
