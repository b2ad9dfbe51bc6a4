// A stored attachment's bytes, for members of the company that owns it.
import { db } from "~/db";
import { getSessionUser } from "~/server/auth/options";
import { readFile } from "~/server/services/files/store-file";
import { isUuid } from "~/server/ids";

const INLINE = /^image\/(jpeg|png|gif|webp)$/i;

export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const user = await getSessionUser();
  if (!user) return new Response("sign in first", { status: 401 });
  const { id } = await params;
  const file = isUuid(id) ? await readFile(db, user.companyId, id) : undefined;
  if (!file) return new Response("not found", { status: 404 });
  const disposition = INLINE.test(file.mimeType) ? "inline" : "attachment";
  return new Response(new Uint8Array(file.data), {
    headers: {
      "content-type": INLINE.test(file.mimeType) ? file.mimeType : "application/octet-stream",
      "content-length": String(file.sizeBytes),
      "content-disposition": `${disposition}; filename*=UTF-8''${encodeURIComponent(file.name)}`,
      "x-content-type-options": "nosniff",
      "cache-control": "private, max-age=3600",
    },
  });
}
