import { createHash, randomUUID } from "node:crypto";
import { Readable, Transform } from "node:stream";
import { and, eq, inArray } from "drizzle-orm";
import type { DbOrTx } from "../../../db";
import { storedFiles, type Attachment } from "../../../db/schema";
import { ATTACHMENT_LIMITS } from "../../channels/limits";
import { DomainError } from "../../errors";
import { logger } from "../../log";
import { ObjectStorageNotConfiguredError, objectStore } from "../../storage/object-store";
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

/** The object key of a file: its company and its id, which is never reused (so a late delete never hits another file). */
export const storageKeyFor = (companyId: string, fileId: string) => `files/${companyId}/${fileId}`;

/** A file's bytes: in memory, or a stream (an operator's upload or a customer's file from the provider, as it arrives). */
export type FileBytes = { data: Buffer } | { stream: Readable; sizeBytes?: number };
export type FileInput = { name: string; mimeType: string } & FileBytes;

/**
 * Passes a stream on while it stays within `maxBytes` and is not empty; otherwise it fails with the words an
 * upload over the limit (or an empty one) is refused with, so nothing is stored.
 */
function withinLimit(maxBytes: number) {
  let bytes = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.byteLength;
      if (bytes > maxBytes) done(new DomainError("invalid", "inbox.upload.tooLarge"));
      else done(null, chunk);
    },
    flush(done) {
      done(bytes === 0 ? new DomainError("invalid", "inbox.upload.empty") : null);
    },
  });
}

/** Counts and hashes bytes on their way through. */
function measuring() {
  const hash = createHash("sha256");
  let bytes = 0;
  const transform = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      bytes += chunk.byteLength;
      done(null, chunk);
    },
  });
  return { transform, result: () => ({ sizeBytes: bytes, sha256: hash.digest("hex") }) };
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/**
 * Stores a file's bytes and its stored_files row. With object storage configured the bytes are streamed there
 * first (the row is written only once the object exists, so a row never points at nothing); otherwise they go
 * into the row, gathered whole for its `bytea` (a stream that fails, e.g. at its limit, fails before that). An
 * object whose row could not be written is removed again.
 */
export async function storeFile(db: DbOrTx, companyId: string, file: FileInput) {
  const store = objectStore();
  const name = cleanFileName(file.name);
  const mimeType = file.mimeType || "application/octet-stream";
  const returning = { id: storedFiles.id, name: storedFiles.name, mimeType: storedFiles.mimeType, sizeBytes: storedFiles.sizeBytes };

  if (!store) {
    const data = "data" in file ? file.data : await readAll(file.stream);
    const sha256 = createHash("sha256").update(data).digest("hex");
    const [row] = await db.insert(storedFiles).values({ companyId, name, mimeType, sizeBytes: data.byteLength, sha256, data }).returning(returning);
    return row!;
  }

  const id = randomUUID();
  const storageKey = storageKeyFor(companyId, id);
  let measured: { sizeBytes: number; sha256: string };
  if ("data" in file) {
    measured = { sizeBytes: file.data.byteLength, sha256: createHash("sha256").update(file.data).digest("hex") };
    await store.put(storageKey, file.data, { contentType: mimeType });
  } else {
    const meter = measuring();
    file.stream.on("error", (error) => meter.transform.destroy(error));
    try {
      await store.put(storageKey, file.stream.pipe(meter.transform), { contentType: mimeType });
    } finally {
      file.stream.destroy();
    }
    measured = meter.result();
    if (file.sizeBytes !== undefined && measured.sizeBytes !== file.sizeBytes) {
      await store.delete(storageKey).catch(() => undefined);
      throw new DomainError("invalid", "inbox.upload.incomplete", `upload ended after ${measured.sizeBytes} of ${file.sizeBytes} bytes`);
    }
  }
  try {
    const [row] = await db.insert(storedFiles).values({ id, companyId, name, mimeType, ...measured, storageKey }).returning(returning);
    return row!;
  } catch (error) {
    await store.delete(storageKey).catch((e: unknown) => logger.warn("files.orphan_object", { storageKey, error: e instanceof Error ? e.name : "unknown" }));
    throw error;
  }
}

/**
 * An operator's upload to attach to a reply: refused over F7's outbound limits (images 10 MB, files 50 MB). A
 * stream is counted as it goes and fails at the first byte over the limit, before any row is written.
 */
export async function uploadAttachment({ ctx, input }: { ctx: ServiceContext; input: FileInput }) {
  const kind = attachmentKindFor(input.mimeType);
  const limit = ATTACHMENT_LIMITS.outbound[kind];
  const size = "data" in input ? input.data.byteLength : input.sizeBytes;
  if (size === 0) throw new DomainError("invalid", "inbox.upload.empty");
  if (size !== undefined && size > limit) throw new DomainError("invalid", "inbox.upload.tooLarge");
  if ("data" in input) return { ...(await storeFile(ctx.db, ctx.companyId, input)), kind };
  const limited = withinLimit(limit);
  input.stream.on("error", (error) => limited.destroy(error));
  try {
    return { ...(await storeFile(ctx.db, ctx.companyId, { ...input, stream: input.stream.pipe(limited) })), kind };
  } finally {
    input.stream.resume(); // whatever is left of a refused upload is drained, so the request can finish
  }
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

const metadata = {
  id: storedFiles.id,
  name: storedFiles.name,
  mimeType: storedFiles.mimeType,
  sizeBytes: storedFiles.sizeBytes,
  sha256: storedFiles.sha256,
  storageKey: storedFiles.storageKey,
};

export type StoredFileInfo = { id: string; name: string; mimeType: string; sizeBytes: number; sha256: string; storageKey: string | null };

/** A stored file's description, only within the company (no bytes read). */
export async function findStoredFile(db: DbOrTx, companyId: string, fileId: string): Promise<StoredFileInfo | undefined> {
  const [row] = await db.select(metadata).from(storedFiles).where(and(eq(storedFiles.companyId, companyId), eq(storedFiles.id, fileId)));
  return row;
}

function storeFor(file: StoredFileInfo) {
  const store = objectStore();
  // A configuration error, not a missing file: the bytes exist, this instance cannot reach them.
  if (!store) {
    logger.warn("files.object_storage_not_configured", { fileId: file.id });
    throw new ObjectStorageNotConfiguredError();
  }
  return store;
}

/**
 * A stored file's bytes (or the range start..end, both included) as a stream, wherever they live. undefined when
 * the object is missing from object storage; ObjectStorageNotConfiguredError when the file is in object storage and
 * this instance has none configured.
 */
export async function openStoredFile(db: DbOrTx, file: StoredFileInfo, range?: { start: number; end: number }): Promise<Readable | undefined> {
  if (file.storageKey) {
    const stream = await storeFor(file).get(file.storageKey, range);
    // The row says the bytes are there: a missing object is lost data, worth an operator's attention.
    if (!stream) logger.warn("files.object_missing", { fileId: file.id });
    return stream;
  }
  const [row] = await db.select({ data: storedFiles.data }).from(storedFiles).where(eq(storedFiles.id, file.id));
  if (!row?.data) return undefined;
  return Readable.from([range ? row.data.subarray(range.start, range.end + 1) : row.data]);
}

/** A stored file's bytes in memory, only within the company: what a provider's upload of a reply needs. */
export async function readFile(db: DbOrTx, companyId: string, fileId: string) {
  const file = await findStoredFile(db, companyId, fileId);
  if (!file) return undefined;
  const stream = await openStoredFile(db, file);
  if (!stream) return undefined;
  return { ...file, data: await readAll(stream) };
}
