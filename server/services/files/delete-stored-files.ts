import { and, eq, inArray } from "drizzle-orm";
import type { DbOrTx } from "../../../db";
import { storedFiles } from "../../../db/schema";

/** Deletes the company's stored files with these ids (others' ids are ignored); returns how many went. */
export async function deleteStoredFiles(db: DbOrTx, companyId: string, fileIds: string[]): Promise<number> {
  if (fileIds.length === 0) return 0;
  const gone = await db
    .delete(storedFiles)
    .where(and(eq(storedFiles.companyId, companyId), inArray(storedFiles.id, fileIds)))
    .returning({ id: storedFiles.id });
  return gone.length;
}
