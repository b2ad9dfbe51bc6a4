// Operator uploads for reply attachments (multipart field "file"); F7 outbound limits apply. Same-origin only.
// The body is parsed as it arrives (busboy) and the file streamed on to storage: never held whole in memory on the
// way to object storage.
import { Readable } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import busboy from "busboy";
import { db } from "~/db";
import { getSessionUser } from "~/server/auth/options";
import { ATTACHMENT_LIMITS } from "~/server/channels/limits";
import { DomainError } from "~/server/errors";
import { isSameOriginRequest } from "~/server/identity/same-origin";
import { uploadAttachment } from "~/server/services/files/store-file";

const MULTIPART_OVERHEAD = 64 * 1024;
const EXPECTED = "expected multipart/form-data with a file field";

class MalformedUpload extends Error {}

export async function POST(request: Request) {
  // A cross-site form can send multipart with the operator's cookie: only the app's own pages may upload.
  if (!isSameOriginRequest(request.headers)) return Response.json({ error: "cross-site request refused" }, { status: 403 });
  const user = await getSessionUser();
  if (!user) return Response.json({ error: "sign in first" }, { status: 401 });
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > ATTACHMENT_LIMITS.outbound.file + MULTIPART_OVERHEAD) {
    return Response.json({ error: "inbox.upload.tooLarge" }, { status: 413 });
  }
  const contentType = request.headers.get("content-type") ?? "";
  if (!request.body || !/^multipart\/form-data/i.test(contentType)) return Response.json({ error: EXPECTED }, { status: 400 });
  let parser: busboy.Busboy;
  try {
    // Browsers send file names as raw UTF-8. One byte over the largest limit is enough to know a file is too large;
    // the kind's own limit is checked on the way.
    parser = busboy({ headers: { "content-type": contentType }, defParamCharset: "utf8", limits: { files: 1, fields: 20, parts: 40, fileSize: ATTACHMENT_LIMITS.outbound.file + 1 } });
  } catch {
    return Response.json({ error: EXPECTED }, { status: 400 });
  }
  const ctx = { db, companyId: user.companyId, actor: { kind: "user" as const, userId: user.id, role: user.role } };
  const body = Readable.fromWeb(request.body as NodeReadableStream<Uint8Array>);
  try {
    const stored = await new Promise<Awaited<ReturnType<typeof uploadAttachment>>>((resolve, reject) => {
      let found = false;
      parser.on("file", (field, stream, info) => {
        if (field !== "file" || found) {
          stream.resume();
          return;
        }
        found = true;
        uploadAttachment({ ctx, input: { name: info.filename ?? "file", mimeType: info.mimeType, stream } }).then(resolve, reject);
      });
      parser.on("error", () => reject(new MalformedUpload()));
      parser.on("close", () => {
        if (!found) reject(new MalformedUpload());
      });
      body.on("error", () => reject(new MalformedUpload()));
      body.pipe(parser);
    });
    return Response.json(stored, { status: 201 });
  } catch (error) {
    body.destroy();
    if (error instanceof MalformedUpload) return Response.json({ error: EXPECTED }, { status: 400 });
    if (error instanceof DomainError) {
      return Response.json({ error: error.messageKey }, { status: error.messageKey === "inbox.upload.tooLarge" ? 413 : 400 });
    }
    throw error;
  }
}
