import { eq } from "drizzle-orm";
import { db } from "../../db";
import { channels } from "../../db/schema";
import { withDeadline } from "../../db/deadline";
import { BodyTooLargeError, readBodyWithLimit } from "../http-body";
import { isUuid } from "../ids";
import { problem, WEBHOOK_DATABASE_DEADLINE_MS, type Step } from "../ingest/store-event";

/**
 * `after`: processing of what was stored, when no ingest worker takes it. `settle`: work that must follow the
 * answer itself (VK's verdict on our confirmation answer), run in every process.
 */
export type WebhookOutcome = { response: Response; after?: () => Promise<void>; settle?: () => Promise<void> };

/**
 * What a webhook handler reads of a request: its headers and its body. A Web `Request` (the App Router routes,
 * tests) fits as it is; the launcher's node:http intake (intake.ts) hands over its own reader instead of a stream.
 */
export type WebhookRequest =
  | { headers: { get(name: string): string | null }; body: ReadableStream<Uint8Array> | null }
  | { headers: { get(name: string): string | null }; readLimited(limit: number): Promise<Buffer> };

/** The raw bytes, or the answer for a body that is too large (413) or unreadable (400). */
export async function readBody(request: WebhookRequest, limit: number): Promise<Step<{ raw: Buffer }>> {
  try {
    return { ok: true, raw: "readLimited" in request ? await request.readLimited(limit) : await readBodyWithLimit(request, limit) };
  } catch (error) {
    return { ok: false, response: error instanceof BodyTooLargeError ? problem(413, error.message) : problem(400, "could not read the request body") };
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * JSON from raw bytes (after any signature check on those bytes), or 400 with the parser's reason. JSON
 * is UTF-8 (RFC 8259): bytes that are not are malformed, not silently replaced.
 */
export function parseJson(raw: Buffer): Step<{ payload: unknown }> {
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    return { ok: false, response: problem(400, "malformed JSON: the body is not valid UTF-8") };
  }
  try {
    return { ok: true, payload: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, response: problem(400, `malformed JSON: ${error instanceof Error ? error.message : "parse error"}`) };
  }
}

/**
 * A per-channel webhook URL's id as the route received it. Next.js hands over the decoded segment; one
 * that is not a uuid (any bytes at all, `%`, overlong UTF-8) names no channel.
 */
export async function routeChannelId(params: Promise<Record<string, string | string[] | undefined>>): Promise<string | undefined> {
  try {
    const value = (await params).channelId;
    return typeof value === "string" && isUuid(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The channel a per-channel webhook URL names, if it exists and is of this provider. Throws only when the
 * database cannot answer.
 */
export async function findWebhookChannel(channelId: string, provider: "telegram" | "vk") {
  if (!isUuid(channelId)) return undefined;
  const [channel] = await withDeadline(db.select().from(channels).where(eq(channels.id, channelId)).limit(1), WEBHOOK_DATABASE_DEADLINE_MS, "webhook channel lookup");
  return channel?.provider === provider ? channel : undefined;
}
