import { sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db";

/**
 * Moves the inbox's count changes (inbox_count_deltas) into the count groups (inbox_counts), so a count reads a
 * few group rows plus a short tail of changes. One folder at a time (the others return 0 at once); counts are
 * exact whether or not it ran. Run by the ingest worker's housekeeping every few seconds.
 */
export async function foldInboxCounts(db: DbOrTx): Promise<number> {
  const [row] = (await db.execute(sql`select switchboard_fold_inbox_counts() as touched`)) as unknown as { touched: number }[];
  return row?.touched ?? 0;
}
