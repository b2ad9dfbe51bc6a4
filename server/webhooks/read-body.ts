import { eq, sql } from "drizzle-orm";
import { db } from "../../db";
import { channels, inboundEvents } from "../../db/schema";
import { BodyTooLargeError, readBodyWithLimit } from "../http-body";
import { isUuid } from "../ids";
import { logger } from "../log";

export type WebhookOutcome = { response: Response; after?: () => Promise<void> };
type Step<T> = ({ ok: true } & T) | { ok: false; response: Response };

export const jsonResponse = (status: number, body: unknown) => Response.json(body, { status });
export const problem = (status: number, error: string) => jsonResponse(status, { ok: false, error });

/** The raw bytes, or the answer for a body that is too large (413) or unreadable (400). */
export async function readBody(request: Request, limit: number): Promise<Step<{ raw: Buffer }>> {
  try {
    return { ok: true, raw: await readBodyWithLimit(request, limit) };
  } catch (error) {
    return { ok: false, response: error instanceof BodyTooLargeError ? problem(413, error.message) : problem(400, "could not read the request body") };
  }
}

/** JSON from raw bytes (after any signature check on those bytes), or 400 with the parser's reason. */
export function parseJson(raw: Buffer): Step<{ payload: unknown }> {
  try {
    return { ok: true, payload: JSON.parse(raw.toString("utf8")) as unknown };
  } catch (error) {
    return { ok: false, response: problem(400, `malformed JSON: ${error instanceof Error ? error.message : "parse error"}`) };
  }
}

/** The channel a per-channel webhook URL names, if it exists and is of this provider. */
export async function findWebhookChannel(channelId: string, provider: "telegram" | "vk") {
  if (!isUuid(channelId)) return undefined;
  const [channel] = await db.select().from(channels).where(eq(channels.id, channelId)).limit(1);
  return channel?.provider === provider ? channel : undefined;
}

/**
 * Stores one accepted event before it is acknowledged; a provider's redelivery hits the unique dedupe key
 * and stores nothing (id undefined). Only a failure to store answers 5xx, so the provider retries exactly
 * when we have not kept the event.
 */
export async function storeInboundEvent(
  channel: typeof channels.$inferSelect,
  event: { dedupeKey: string; eventType: string; payload: unknown },
): Promise<Step<{ id: string | undefined }>> {
  try {
    const [stored] = await db
      .insert(inboundEvents)
      .values({ provider: channel.provider, companyId: channel.companyId, channelId: channel.id, ...event })
      .onConflictDoNothing({ target: [inboundEvents.provider, inboundEvents.dedupeKey] })
      .returning({ id: inboundEvents.id });
    await db.update(channels).set({ lastWebhookAt: sql`now()` }).where(eq(channels.id, channel.id));
    return { ok: true, id: stored?.id };
  } catch (error) {
    logger.error("webhook.store_failed", { provider: channel.provider, channelId: channel.id, error });
    return { ok: false, response: problem(503, "could not store the event; retry later") };
  }
}
