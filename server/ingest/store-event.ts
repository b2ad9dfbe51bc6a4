/**
 * The inbound event store: what webhook intake and history recovery keep of each event before it is processed,
 * and the answers a provider gets about it.
 */
import { and, eq, lt } from "drizzle-orm";
import { db } from "../../db";
import { channels, inboundEvents } from "../../db/schema";
import { withDeadline } from "../../db/deadline";
import { isDatabaseUnavailable, isValueRefused, sqlState } from "../../db/errors";
import { jsonbProblem, storableKey, storableText } from "../json-safety";
import { logger } from "../log";
import { forgetWebhookChannel } from "./channel-cache";
import { accountStream, telegramOrder, vkOrder, type EventOrder } from "./order-keys";

export type Step<T> = ({ ok: true } & T) | { ok: false; response: Response };
type Channel = typeof channels.$inferSelect;

export const jsonResponse = (status: number, body: unknown) => Response.json(body, { status });
export const problem = (status: number, error: string) => jsonResponse(status, { ok: false, error });
/**
 * The longest a webhook waits on the database before answering 503 (the provider retries). A stopped database is
 * refused within half a second anyway (db/index.ts); this bounds a database that does not answer at all, well
 * inside the few seconds Telegram and Meta give a webhook.
 */
export const WEBHOOK_DATABASE_DEADLINE_MS = 3_000;

/** The one answer that makes a provider redeliver: we could not keep the event. */
export const storageUnavailable = () => problem(503, "could not store the event; retry later");

/**
 * What is kept of one accepted event. `payload` is the parsed item; `raw` the bytes as the provider signed them;
 * `order` its stream and provider sequence (derived from the payload when not given); `failed` when the handler
 * already knows it cannot be processed (kept for inspection, with the reason code and a note).
 */
export type AcceptedEvent = { dedupeKey: string; eventType: string; payload: unknown; raw: Buffer; order?: EventOrder; failed?: { reason: string; note: string } };

function defaultOrder(channel: { provider: Channel["provider"]; id: string | null }, payload: unknown): EventOrder | undefined {
  if (!channel.id) return undefined;
  if (channel.provider === "telegram") return telegramOrder(channel.id, payload);
  if (channel.provider === "vk") return vkOrder(channel.id, payload);
  return { orderKey: accountStream(channel.id), sequence: null };
}

/**
 * The row for an accepted event. A payload jsonb cannot hold (a `\u0000` or a lone surrogate in a string,
 * nesting too deep) is kept as the raw bytes instead and the row marked failed with the reason, so the
 * provider gets its acknowledgement and the event stays inspectable.
 */
export function inboundRow(channel: Pick<Channel, "provider" | "companyId" | "id"> | { provider: Channel["provider"]; companyId: null; id: null }, event: AcceptedEvent) {
  const order = event.order ?? defaultOrder(channel, event.payload);
  const base = {
    provider: channel.provider,
    companyId: channel.companyId,
    channelId: channel.id,
    dedupeKey: storableKey(event.dedupeKey),
    eventType: storableText(event.eventType, 100),
    orderKey: order ? storableKey(order.orderKey) : null,
    sequence: order?.sequence ?? null,
  };
  const refused = jsonbProblem(event.payload);
  if (refused) return failedRawRow(base, event.raw, `unsupported content: ${refused}; kept as raw bytes`);
  if (event.failed) return { ...base, payload: event.payload, status: "failed" as const, failureReason: event.failed.reason, note: storableText(event.failed.note), processedAt: new Date() };
  return { ...base, payload: event.payload };
}

/**
 * A row kept as the raw bytes, failed. Its sequence is dropped: a value the database refused may have been that
 * one, and a failed row is never ordered.
 */
export function failedRawRow<T extends object>(base: T, raw: Buffer, note: string) {
  return { ...base, payload: null, rawBody: raw, sequence: null, status: "failed" as const, failureReason: "unsupported_content", note: storableText(note), processedAt: new Date() };
}

/** Telegram restarts update_id at a random value after a week without updates; its redelivery window is 24 h. */
export const TELEGRAM_KEY_REUSE_AFTER_MS = 7 * 24 * 60 * 60 * 1000;

type Row = typeof inboundEvents.$inferInsert;

async function insertRow(row: Row): Promise<string | undefined> {
  const [stored] = await db.insert(inboundEvents).values(row).onConflictDoNothing({ target: [inboundEvents.provider, inboundEvents.dedupeKey] }).returning({ id: inboundEvents.id });
  return stored?.id;
}

/**
 * Group commit of acknowledgements: a request's row goes at once when fewer than GROUP_IN_FLIGHT inserts are
 * running; rows that arrive meanwhile wait for one of them to finish and then go together, in arrival order, in
 * one multi-row INSERT (one statement and one commit for many webhooks, no timer, no delay when idle). Each
 * request is still answered only after its own row is committed. A group the database refuses is retried row
 * by row, so one bad row fails only its own request (and is stored as raw bytes by the caller).
 */
const GROUP_IN_FLIGHT = 2;
const GROUP_MAX_ROWS = 100;
type Waiting = { row: Row; resolve: (id: string | undefined) => void; reject: (error: unknown) => void };
const waiting: Waiting[] = [];
let inFlight = 0;

function insertRowGrouped(row: Row): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    waiting.push({ row, resolve, reject });
    pumpGroups();
  });
}

function pumpGroups(): void {
  while (inFlight < GROUP_IN_FLIGHT && waiting.length) {
    const group = waiting.splice(0, GROUP_MAX_ROWS);
    inFlight++;
    void insertGroup(group).finally(() => {
      inFlight--;
      pumpGroups();
    });
  }
}

const rowKey = (row: Row) => `${row.provider}\u0000${row.dedupeKey}`;

async function insertGroup(group: Waiting[]): Promise<void> {
  if (group.length === 1) {
    const [one] = group;
    await insertRow(one!.row).then(one!.resolve, one!.reject);
    return;
  }
  // A key twice in one group: the first is inserted, the others are its redeliveries.
  const first = new Map<string, Row>();
  for (const w of group) if (!first.has(rowKey(w.row))) first.set(rowKey(w.row), w.row);
  let stored: { id: string; provider: Row["provider"]; dedupeKey: string }[];
  try {
    stored = await db
      .insert(inboundEvents)
      .values([...first.values()])
      .onConflictDoNothing({ target: [inboundEvents.provider, inboundEvents.dedupeKey] })
      .returning({ id: inboundEvents.id, provider: inboundEvents.provider, dedupeKey: inboundEvents.dedupeKey });
  } catch {
    await Promise.all(group.map((w) => insertRow(w.row).then(w.resolve, w.reject)));
    return;
  }
  const ids = new Map(stored.map((r) => [`${r.provider}\u0000${r.dedupeKey}`, r.id]));
  for (const w of group) w.resolve(first.get(rowKey(w.row)) === w.row ? ids.get(rowKey(w.row)) : undefined);
}

/**
 * A key seen before: a redelivery, unless the stored row is older than `reuseAfterMs` (a provider that
 * reuses keys after a while). Then the old row's key is archived (suffixed with its id) and the new event
 * stored, in one transaction.
 */
async function insertReusingStaleKey(row: Row, reuseAfterMs: number): Promise<string | undefined> {
  return db.transaction(async (tx) => {
    const [old] = await tx
      .select({ id: inboundEvents.id })
      .from(inboundEvents)
      .where(and(eq(inboundEvents.provider, row.provider), eq(inboundEvents.dedupeKey, row.dedupeKey), lt(inboundEvents.receivedAt, new Date(Date.now() - reuseAfterMs))))
      .for("update");
    if (!old) return undefined;
    await tx.update(inboundEvents).set({ dedupeKey: storableKey(`${row.dedupeKey}~${old.id}`) }).where(eq(inboundEvents.id, old.id));
    const [stored] = await tx.insert(inboundEvents).values(row).returning({ id: inboundEvents.id });
    return stored?.id;
  });
}

/**
 * Stores one accepted event before it is acknowledged; a provider's redelivery hits the unique dedupe key
 * and stores nothing (id undefined). A value the database refuses is stored again as raw bytes, marked
 * failed. Only a database that cannot store anything answers 5xx, so the provider retries exactly when we
 * have not kept the event.
 */
export async function storeInboundEvent(channel: Channel, event: AcceptedEvent, opts: { reuseKeyAfterMs?: number } = {}): Promise<Step<{ id: string | undefined; status: string }>> {
  const row: Row = inboundRow(channel, event);
  try {
    let id: string | undefined;
    try {
      // Rows kept as raw bytes (already failed) go alone; the rest share a group commit.
      // Answered in time whatever the database does: a late store is deduplicated when the provider redelivers.
      id = await withDeadline(row.payload === null ? insertRow(row) : insertRowGrouped(row), WEBHOOK_DATABASE_DEADLINE_MS, "webhook store");
    } catch (error) {
      if (!isValueRefused(error) || sqlState(error) === "23503") throw error;
      logger.warn("webhook.value_refused", { provider: channel.provider, channelId: channel.id, code: sqlState(error), bytes: event.raw.length });
      Object.assign(row, failedRawRow({}, event.raw, `unsupported content: the database refused it (${sqlState(error)}); kept as raw bytes`));
      id = await insertRow(row);
    }
    if (!id && opts.reuseKeyAfterMs) id = await insertReusingStaleKey(row, opts.reuseKeyAfterMs);
    // channels.last_webhook_at is written by the worker once per batch, not here: it was a hot row under load.
    return { ok: true, id, status: row.status ?? "received" };
  } catch (error) {
    if (sqlState(error) === "23503") {
      // The channel was deleted after it was looked up (a cached lookup): the URL names no channel any more.
      logger.warn("webhook.store_failed", { provider: channel.provider, channelId: channel.id, bytes: event.raw.length, reason: "channel deleted", error });
      forgetWebhookChannel(channel.id);
      return { ok: false, response: problem(404, "unknown channel") };
    }
    // An outage is expected to pass (the provider retries on the 503): a warning, not an error report per webhook.
    if (isDatabaseUnavailable(error)) logger.warn("webhook.store_unavailable", { provider: channel.provider, channelId: channel.id, error });
    else logger.error("webhook.store_failed", { provider: channel.provider, channelId: channel.id, bytes: event.raw.length, error });
    return { ok: false, response: storageUnavailable() };
  }
}
