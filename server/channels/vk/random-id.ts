import { createHash } from "node:crypto";

/**
 * VK's `random_id` for one outbound send, derived from the send row's idempotency key. VK refuses to
 * deliver a second message with a random_id it has already seen from the same sender, so every retry of
 * one send (after a timeout, a crash or a 6/9/10 error) must present the same value: deterministic, never
 * random. A positive int32 (1 … 2³¹−1) because the documented parameter is a plain "integer" and the
 * official SDKs type it as int32; 0 means "no dedupe" to VK, so it is never produced.
 *
 * Hashing (rather than reading UUID bits) spreads any key shape evenly. Changing this function would
 * give in-flight retries a new random_id after a deploy, i.e. duplicates: the unit test pins known values.
 */
export function vkRandomId(idempotencyKey: string): number {
  const digest = createHash("sha256").update(idempotencyKey, "utf8").digest();
  const value = digest.readUInt32BE(0) & 0x7fffffff;
  return value === 0 ? 1 : value;
}

/** Our own sends are keyed by peer + random_id: known before the call, and carried by VK's echo of it. */
export function vkOwnMessageKey(peerId: string | number, randomId: number): string {
  return `${peerId}:r${randomId}`;
}
