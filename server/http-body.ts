export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`body is larger than ${limit} bytes`);
    this.name = "BodyTooLargeError";
  }
}

/**
 * Reads a request or response body as bytes, refusing anything over `limit` from its declared length or
 * while it streams, so an oversized body is never buffered whole.
 */
export async function readBodyWithLimit(message: { headers: { get(name: string): string | null }; body: ReadableStream<Uint8Array> | null }, limit: number): Promise<Buffer> {
  const declared = Number(message.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > limit) {
    await message.body?.cancel();
    throw new BodyTooLargeError(limit);
  }
  if (!message.body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = message.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new BodyTooLargeError(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** The same for a node:http request: refused from its declared length or while it streams, never buffered whole. */
export function readNodeBodyWithLimit(req: import("node:http").IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(new BodyTooLargeError(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off("data", onData);
        req.pause();
        reject(new BodyTooLargeError(limit));
        return;
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.once("end", () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    req.once("error", reject);
    req.once("aborted", () => reject(new Error("the request was aborted")));
  });
}
