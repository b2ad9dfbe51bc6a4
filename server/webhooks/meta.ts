import { createHash } from "node:crypto";
import { and, eq, inArray, or, sql } from "drizzle-orm";
import { db } from "../../db";
import { channels, inboundEvents } from "../../db/schema";
import { splitMetaEnvelope, type MetaSplitItem, type MetaStoredItem } from "../channels/meta/parse";
import { META_SIGNATURE_HEADER, verifyMetaSignature } from "../channels/meta/signature";
import { safeEqual } from "../crypto/compare";
import { env } from "../env.js";
import { logger } from "../log";
import { processStoredEvents } from "../services/events/process-inbound-event";
import { isValueRefused, sqlState } from "../../db/errors";
import { jsonbProblem, storableKey, storableText } from "../json-safety";
import { accountStream, metaOrder, metaSequence } from "../ingest/order-keys";
import { failedRawRow, jsonResponse, problem, storageUnavailable } from "../ingest/store-event";
import { parseJson, readBody, type WebhookOutcome, type WebhookRequest } from "./read-body";
import { countedWebhook } from "../metrics/registry";

type Channel = typeof channels.$inferSelect;
type Row = typeof inboundEvents.$inferInsert & { dedupeKey: string };

/**
 * GET verification handshake (protocols/meta.md §1.1): echo hub.challenge only for our verify token.
 * An unset META_VERIFY_TOKEN verifies nothing.
 */
export function handleMetaVerification(request: Request): Response {
  const params = new URL(request.url).searchParams;
  const expected = env().META_VERIFY_TOKEN;
  const token = params.get("hub.verify_token");
  const challenge = params.get("hub.challenge");
  if (params.get("hub.mode") === "subscribe" && expected && token !== null && challenge !== null && safeEqual(token, expected)) {
    return new Response(challenge, { status: 200, headers: { "content-type": "text/plain; charset=utf-8", "x-content-type-options": "nosniff" } });
  }
  logger.warn("webhook.verification_refused", { provider: "meta", configured: Boolean(expected) });
  return new Response("verification failed", { status: 403, headers: { "content-type": "text/plain; charset=utf-8" } });
}

/** Channels an item belongs to: by Page / IG id, and for permission changes also IG accounts linked to a target Page. */
async function channelsFor(items: MetaSplitItem[]): Promise<Channel[]> {
  const pageIds = new Set<string>();
  const igIds = new Set<string>();
  const permissionTargets = new Set<string>();
  for (const i of items) {
    if (i.ignoredReason) continue;
    for (const id of i.routeIds) {
      if (i.stored.object === "permissions") permissionTargets.add(id);
      else (i.provider === "instagram" ? igIds : pageIds).add(id);
    }
  }
  for (const id of permissionTargets) {
    pageIds.add(id);
    igIds.add(id);
  }
  const conditions = [
    pageIds.size ? and(eq(channels.provider, "messenger"), inArray(channels.externalId, [...pageIds])) : undefined,
    igIds.size ? and(eq(channels.provider, "instagram"), inArray(channels.externalId, [...igIds])) : undefined,
    permissionTargets.size ? and(eq(channels.provider, "instagram"), inArray(sql<string>`${channels.settings}->>'linkedPageId'`, [...permissionTargets])) : undefined,
  ].filter((c) => c !== undefined);
  if (conditions.length === 0) return [];
  return db.select().from(channels).where(or(...conditions));
}

/** One row per item and channel; an item no channel claims is kept as `ignored` so nothing is dropped silently. */
function rowsFor(items: MetaSplitItem[], found: Channel[], raw: Buffer): Row[] {
  const rows: Row[] = [];
  const unrouted = (i: MetaSplitItem, note: string): Row => ({
    provider: i.provider,
    companyId: null,
    channelId: null,
    dedupeKey: i.dedupeKey,
    eventType: i.eventType,
    payload: i.stored,
    status: "ignored",
    note,
    processedAt: new Date(),
  });
  for (const i of items) {
    if (i.ignoredReason) {
      rows.push(unrouted(i, i.ignoredReason));
      continue;
    }
    if (i.stored.object === "permissions") {
      const targets = found.filter((c) => i.routeIds.includes(c.externalId) || (c.provider === "instagram" && c.settings.linkedPageId !== undefined && i.routeIds.includes(c.settings.linkedPageId)));
      if (targets.length === 0) rows.push(unrouted(i, "unknown page"));
      for (const c of targets) {
        const stored: MetaStoredItem = { ...i.stored, accountId: c.externalId };
        rows.push({ provider: c.provider, companyId: c.companyId, channelId: c.id, dedupeKey: `${i.dedupeKey}:${c.externalId}`, eventType: i.eventType, payload: stored, orderKey: accountStream(c.id), sequence: metaSequence(i.timestamp) });
      }
      continue;
    }
    const channel = found.find((c) => c.provider === i.provider && c.externalId === i.stored.entryId);
    if (!channel) rows.push(unrouted(i, "unknown page"));
    else {
      const order = metaOrder(channel.id, channel.externalId, i.stored.item, i.timestamp);
      rows.push({ provider: channel.provider, companyId: channel.companyId, channelId: channel.id, dedupeKey: i.dedupeKey, eventType: i.eventType, payload: i.stored, orderKey: storableKey(order.orderKey), sequence: order.sequence });
    }
  }
  // A batch can carry the same item twice (a retried entry); the first one stands.
  const seen = new Set<string>();
  return rows
    .map((r) => storable(r, raw))
    .filter((r) => {
      const key = `${r.provider}\u0000${r.dedupeKey}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

/**
 * A row the database will take: keys hashed when too long or unprintable, and an item jsonb cannot hold
 * (a `\u0000` or lone surrogate in a string, nesting too deep) kept as the body's raw bytes, marked failed.
 */
function storable(r: Row, raw: Buffer): Row {
  const row = { ...r, dedupeKey: storableKey(r.dedupeKey), eventType: storableText(r.eventType, 100), ...(r.note ? { note: storableText(r.note) } : {}) };
  const refused = jsonbProblem(r.payload);
  return refused ? { ...row, ...failedRawRow({}, raw, `unsupported content: ${refused}; kept as raw bytes`) } : row;
}

const STORED = { id: inboundEvents.id, dedupeKey: inboundEvents.dedupeKey, provider: inboundEvents.provider, status: inboundEvents.status };
type Stored = { id: string; dedupeKey: string; provider: string; status: string };

const insertRows = (rows: Row[]) =>
  db.insert(inboundEvents).values(rows).onConflictDoNothing({ target: [inboundEvents.provider, inboundEvents.dedupeKey] }).returning(STORED);

/**
 * Stores every row. The batch goes in one statement; if the database refuses a value in it, each row is
 * stored on its own, so one bad item never costs the others (a refused one is kept as raw bytes, failed).
 * Throws only when the database cannot store at all.
 */
async function storeRows(rows: Row[], raw: Buffer): Promise<Stored[]> {
  try {
    return await insertRows(rows);
  } catch (error) {
    if (!isValueRefused(error)) throw error;
  }
  const stored: Stored[] = [];
  for (const row of rows) {
    try {
      stored.push(...(await insertRows([row])));
    } catch (error) {
      if (!isValueRefused(error)) throw error;
      logger.warn("webhook.value_refused", { provider: row.provider, channelId: row.channelId ?? null, code: sqlState(error), bytes: raw.length });
      const note = `unsupported content: the database refused it (${sqlState(error)}); kept as raw bytes`;
      stored.push(...(await insertRows([{ ...row, ...failedRawRow({}, raw, note) }])));
    }
  }
  return stored;
}

/**
 * Meta webhook for every Page and Instagram account (one callback URL per app): check the signature over
 * the raw bytes → read at most WEBHOOK_MAX_BODY_BYTES → parse → store every item (deduped on mid or item
 * hash) → acknowledge; the ingest worker processes them after the acknowledgement, in timestamp order per
 * customer.
 *
 * Failures answer so that Meta retries exactly when we have kept nothing: 5xx only when storing fails or
 * META_APP_SECRET is unset (503: failing closed; Meta keeps retrying while the operator fixes the config,
 * and its disable-after-1-hour alert is the right alarm). An unknown Page still gets 200, because one
 * stale Page must not get the whole app's webhook disabled.
 */
export function handleMetaWebhook(request: WebhookRequest): Promise<WebhookOutcome> {
  // Every answer is counted for /api/metrics, by provider and status (server/metrics).
  return countedWebhook("meta", () => answerMetaWebhook(request));
}

async function answerMetaWebhook(request: WebhookRequest): Promise<WebhookOutcome> {
  const { META_APP_SECRET, WEBHOOK_MAX_BODY_BYTES } = env();
  if (!META_APP_SECRET) {
    logger.error("webhook.rejected", { provider: "meta", reason: "META_APP_SECRET is not set" });
    return { response: problem(503, "webhook signature secret is not configured") };
  }
  const signature = request.headers.get(META_SIGNATURE_HEADER);
  if (!signature) {
    logger.warn("webhook.rejected", { provider: "meta", reason: "missing signature" });
    return { response: problem(401, "X-Hub-Signature-256 is missing") };
  }

  const read = await readBody(request, WEBHOOK_MAX_BODY_BYTES);
  if (!read.ok) return { response: read.response };
  // Meta signs the exact bytes it sent (escaped unicode): verify them before any parsing.
  if (!verifyMetaSignature(read.raw, signature, META_APP_SECRET)) {
    logger.warn("webhook.rejected", { provider: "meta", reason: "wrong signature" });
    return { response: problem(401, "X-Hub-Signature-256 does not match the body") };
  }
  const parsed = parseJson(read.raw);
  if (!parsed.ok) return { response: parsed.response };
  const payload = parsed.payload;
  const split = splitMetaEnvelope(payload);
  if (!split.ok) return { response: problem(400, split.reason) };

  let rows: Row[];
  let stored: Stored[] = [];
  try {
    const found = await channelsFor(split.items);
    rows = rowsFor(split.items, found, read.raw);
    if (split.skipped > 0) {
      // Entries without an id or elements that are not items: nothing to route, but the signed body is kept.
      rows.push({
        provider: split.object === "instagram" ? "instagram" : "messenger",
        companyId: null,
        channelId: null,
        dedupeKey: `body:${createHash("sha256").update(read.raw).digest("hex")}`,
        eventType: "unroutable",
        payload: null,
        rawBody: read.raw,
        status: "ignored",
        note: `${split.skipped} entries or elements are not webhook items (no id, or not an object); kept as raw bytes`,
        processedAt: new Date(),
      });
    }
    if (rows.length > 0) stored = await storeRows(rows, read.raw);
    // channels.last_webhook_at is written by the ingest worker once per batch.
  } catch (error) {
    logger.error("webhook.store_failed", { provider: "meta", object: split.object, items: split.items.length, bytes: read.raw.length, error });
    return { response: storageUnavailable() };
  }

  for (const r of rows) {
    if (!r.channelId) logger.info("webhook.unrouted", { provider: r.provider, entryId: (r.payload as MetaStoredItem | null)?.entryId ?? null, eventType: r.eventType });
  }
  // Only new rows waiting for processing, in the order the events happened.
  const order = new Map(rows.map((r, index) => [`${r.provider}\u0000${r.dedupeKey}`, index]));
  const toProcess = stored
    .filter((s) => s.status === "received")
    .sort((a, b) => (order.get(`${a.provider}\u0000${a.dedupeKey}`) ?? 0) - (order.get(`${b.provider}\u0000${b.dedupeKey}`) ?? 0))
    .map((s) => s.id);
  const duplicates = rows.length - stored.length;
  return {
    response: jsonResponse(200, { ok: true, stored: stored.length, duplicates }),
    after: toProcess.length ? () => processStoredEvents(toProcess) : undefined,
  };
}
