// Operator uploads for reply attachments (multipart field "file"); F7 outbound limits apply. Same-origin only.
import { Readable } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import { db } from "~/db";
import { getSessionUser } from "~/server/auth/options";
import { ATTACHMENT_LIMITS } from "~/server/channels/limits";
import { DomainError } from "~/server/errors";
import { isSameOriginRequest } from "~/server/identity/same-origin";
import { uploadAttachment } from "~/server/services/files/store-file";

const MULTIPART_OVERHEAD = 64 * 1024;

export async function POST(request: Request) {
  // A cross-site form can send multipart with the operator's cookie: only the app's own pages may upload.
  if (!isSameOriginRequest(request.headers)) return Response.json({ error: "cross-site request refused" }, { status: 403 });
  const user = await getSessionUser();
  if (!user) return Response.json({ error: "sign in first" }, { status: 401 });
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > ATTACHMENT_LIMITS.outbound.file + MULTIPART_OVERHEAD) {
    return Response.json({ error: "inbox.upload.tooLarge" }, { status: 413 });
  }
  let file: FormDataEntryValue | null;
  try {
    file = (await request.formData()).get("file");
  } catch {
    return Response.json({ error: "expected multipart/form-data with a file field" }, { status: 400 });
  }
  if (!(file instanceof File)) return Response.json({ error: "expected multipart/form-data with a file field" }, { status: 400 });
  try {
    const stored = await uploadAttachment({
      ctx: { db, companyId: user.companyId, actor: { kind: "user", userId: user.id, role: user.role } },
      // Streamed on to storage (object storage in parts) rather than copied into one more buffer.
      input: { name: file.name, mimeType: file.type, sizeBytes: file.size, stream: Readable.fromWeb(file.stream() as NodeReadableStream<Uint8Array>) },
    });
    return Response.json(stored, { status: 201 });
  } catch (error) {
    if (error instanceof DomainError) {
      return Response.json({ error: error.messageKey }, { status: error.messageKey === "inbox.upload.tooLarge" ? 413 : 400 });
    }
    throw error;
  }
}
