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
export async function readBodyWithLimit(message: { headers: Headers; body: ReadableStream<Uint8Array> | null }, limit: number): Promise<Buffer> {
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
