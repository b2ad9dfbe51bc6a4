import { eq } from "drizzle-orm";
import { db } from "../../db";
import { channels } from "../../db/schema";
import { open } from "../crypto/secret-box";
import { isUuid } from "../ids";

type Channel = typeof channels.$inferSelect;
type Entry<C> = { channel: Channel; credentials: C; expires: number };

/**
 * The channel a per-channel webhook names, with its credentials opened, kept for a few seconds: under load the
 * same bot posts many updates a second, and a lookup plus an AES-GCM open per request was a round trip and CPU
 * the acknowledgement does not need. Staleness is bounded and safe: a secret that does not match a cached entry
 * is checked against a fresh read before the request is refused (so a new secret works at once), a deleted
 * channel fails the event's foreign key and is forgotten, and credential changes call forgetWebhookChannel.
 */
const TTL_MS = 5_000;
const MAX_ENTRIES = 10_000;
// On globalThis: `npm start` loads this module twice in one process (Next.js's bundle, where admins change
// credentials, and the node:http webhook intake), and both must see one cache.
const globalForCache = globalThis as unknown as { switchboardWebhookChannels?: Map<string, Entry<unknown>> };
const cache = (globalForCache.switchboardWebhookChannels ??= new Map<string, Entry<unknown>>());

export function forgetWebhookChannel(channelId?: string): void {
  if (channelId === undefined) cache.clear();
  else cache.delete(channelId);
}

/** Throws only when the database cannot answer. `fresh` skips the cache (after a mismatch). */
export async function webhookChannel<C>(channelId: string, provider: "telegram" | "vk", opts: { fresh?: boolean } = {}): Promise<{ channel: Channel; credentials: C; cached: boolean } | undefined> {
  if (!isUuid(channelId)) return undefined;
  const now = Date.now();
  const hit = opts.fresh ? undefined : cache.get(channelId);
  if (hit && hit.expires > now) return hit.channel.provider === provider ? { channel: hit.channel, credentials: hit.credentials as C, cached: true } : undefined;
  const [channel] = await db.select().from(channels).where(eq(channels.id, channelId)).limit(1);
  if (!channel) {
    cache.delete(channelId);
    return undefined;
  }
  const credentials = open<C>(channel.credentials);
  if (cache.size >= MAX_ENTRIES) cache.clear();
  cache.set(channelId, { channel, credentials, expires: now + TTL_MS });
  return channel.provider === provider ? { channel, credentials, cached: false } : undefined;
}
