// A stored attachment's bytes, for members of the company that owns it: streamed from object storage or the
// database, with a strong ETag (the file's sha256) and single byte ranges (video and audio players seek with them).
import { Readable } from "node:stream";
import { db } from "~/db";
import { getSessionUser } from "~/server/auth/options";
import { parseByteRange } from "~/server/services/files/byte-range";
import { findStoredFile, openStoredFile } from "~/server/services/files/store-file";
import { isUuid } from "~/server/ids";
import { ObjectStorageNotConfiguredError } from "~/server/storage/object-store";

const INLINE = /^image\/(jpeg|png|gif|webp)$/i;

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const user = await getSessionUser();
  if (!user) return new Response("sign in first", { status: 401 });
  const { id } = await params;
  const file = isUuid(id) ? await findStoredFile(db, user.companyId, id) : undefined;
  if (!file) return new Response("not found", { status: 404 });

  const etag = `"${file.sha256}"`;
  const disposition = INLINE.test(file.mimeType) ? "inline" : "attachment";
  const headers: Record<string, string> = {
    "content-type": INLINE.test(file.mimeType) ? file.mimeType : "application/octet-stream",
    "content-disposition": `${disposition}; filename*=UTF-8''${encodeURIComponent(file.name)}`,
    "x-content-type-options": "nosniff",
    "cache-control": "private, max-age=3600",
    "accept-ranges": "bytes",
    etag,
  };
  const ifNoneMatch = request.headers.get("if-none-match");
  if (ifNoneMatch && ifNoneMatch.split(",").some((t) => t.trim().replace(/^W\//, "") === etag || t.trim() === "*")) {
    return new Response(null, { status: 304, headers });
  }
  // A Range for another version of the file (If-Range not matching) gets the whole file, as HTTP says.
  const ifRange = request.headers.get("if-range");
  const rangeHeader = ifRange && ifRange !== etag ? null : request.headers.get("range");
  const range = rangeHeader ? parseByteRange(rangeHeader, file.sizeBytes) : undefined;
  if (range === "unsatisfiable") {
    return new Response(null, { status: 416, headers: { ...headers, "content-range": `bytes */${file.sizeBytes}` } });
  }

  let body: Awaited<ReturnType<typeof openStoredFile>>;
  try {
    body = await openStoredFile(db, file, range ?? undefined);
  } catch (error) {
    // The file is in object storage and this instance has none configured: the bytes exist, they cannot be
    // reached until the S3_* settings are back (README: Production topology → Files).
    if (error instanceof ObjectStorageNotConfiguredError) return new Response(error.reason, { status: 503, headers: { "cache-control": "no-store", "retry-after": "60" } });
    throw error;
  }
  if (!body) return new Response("not found", { status: 404 });
  const stream = Readable.toWeb(body) as ReadableStream<Uint8Array>;
  if (!range) return new Response(stream, { headers: { ...headers, "content-length": String(file.sizeBytes) } });
  return new Response(stream, {
    status: 206,
    headers: { ...headers, "content-length": String(range.end - range.start + 1), "content-range": `bytes ${range.start}-${range.end}/${file.sizeBytes}` },
  });
}
