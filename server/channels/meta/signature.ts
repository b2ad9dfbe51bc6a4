import { createHmac, timingSafeEqual } from "node:crypto";

export const META_SIGNATURE_HEADER = "x-hub-signature-256";

const HEADER = /^sha256=([0-9a-fA-F]{64})$/;

/**
 * Checks X-Hub-Signature-256 against the exact received bytes. Meta signs the body as sent (with
 * non-ASCII already \u-escaped), so re-serializing a parsed body would change what was signed.
 */
export function verifyMetaSignature(raw: Uint8Array, header: string | null | undefined, appSecret: string): boolean {
  const match = header ? HEADER.exec(header.trim()) : null;
  if (!match) return false;
  const presented = Buffer.from(match[1]!, "hex");
  const expected = createHmac("sha256", appSecret).update(raw).digest();
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

export function signMetaBody(raw: Uint8Array | string, appSecret: string): string {
  return `sha256=${createHmac("sha256", appSecret).update(raw).digest("hex")}`;
}
