import { createHash } from "node:crypto";
import { and, eq, inArray } from "drizzle-orm";
import type { DbOrTx } from "../../../db";
import { storedFiles, type Attachment } from "../../../db/schema";
import { ATTACHMENT_LIMITS } from "../../channels/limits";
import { DomainError } from "../../errors";
import type { ServiceContext } from "../context";

/** Images messengers show inline; anything else travels as a document. */
export function attachmentKindFor(mimeType: string): "image" | "file" {
  return /^image\/(jpeg|png|gif|webp)$/i.test(mimeType) ? "image" : "file";
}

export function cleanFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? "file";
  // Control characters and quotes would break Content-Disposition headers.
  const cleaned = base.replace(/[\u0000-\u001f"\\]/g, "").trim().slice(0, 200);
  return cleaned || "file";
}

export async function storeFile(db: DbOrTx, companyId: string, file: { name: string; mimeType: string; data: Buffer }) {
  const [row] = await db
    .insert(storedFiles)
    .values({
      companyId,
      name: cleanFileName(file.name),
      mimeType: file.mimeType || "application/octet-stream",
      sizeBytes: file.data.byteLength,
      sha256: createHash("sha256").update(file.data).digest("hex"),
      data: file.data,
    })
    .returning({ id: storedFiles.id, name: storedFiles.name, mimeType: storedFiles.mimeType, sizeBytes: storedFiles.sizeBytes });
  return row!;
}

/** An operator's upload to attach to a reply: refused over F7's outbound limits (images 10 MB, files 50 MB). */
export async function uploadAttachment({ ctx, input }: { ctx: ServiceContext; input: { name: string; mimeType: string; data: Buffer } }) {
  const kind = attachmentKindFor(input.mimeType);
  if (input.data.byteLength === 0) throw new DomainError("invalid", "inbox.upload.empty");
  if (input.data.byteLength > ATTACHMENT_LIMITS.outbound[kind]) throw new DomainError("invalid", "inbox.upload.tooLarge");
  const stored = await storeFile(ctx.db, ctx.companyId, input);
  return { ...stored, kind };
}

/** Turns uploaded file ids into message attachments, refusing files of another company. */
export async function attachmentsFromFiles(db: DbOrTx, companyId: string, fileIds: string[]): Promise<Attachment[]> {
  if (fileIds.length === 0) return [];
  const rows = await db
    .select({ id: storedFiles.id, name: storedFiles.name, mimeType: storedFiles.mimeType, sizeBytes: storedFiles.sizeBytes })
    .from(storedFiles)
    .where(and(eq(storedFiles.companyId, companyId), inArray(storedFiles.id, fileIds)));
  if (rows.length !== new Set(fileIds).size) throw new DomainError("not_found", "errors.notFound", "attachment not found");
  const byId = new Map(rows.map((r) => [r.id, r]));
  return fileIds.map((id) => {
    const r = byId.get(id)!;
    return { kind: attachmentKindFor(r.mimeType), name: r.name, mimeType: r.mimeType, sizeBytes: r.sizeBytes, fileId: r.id };
  });
}

/** A stored file's bytes, only within the company. */
export async function readFile(db: DbOrTx, companyId: string, fileId: string) {
  const [row] = await db
    .select()
    .from(storedFiles)
    .where(and(eq(storedFiles.companyId, companyId), eq(storedFiles.id, fileId)));
  return row;
}
