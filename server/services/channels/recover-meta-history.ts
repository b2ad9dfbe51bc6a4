import { and, eq, inArray, sql } from "drizzle-orm";
import type { Database } from "../../../db";
import { channelIncidents, channels, messages } from "../../../db/schema";
import { getGraphList, graphListPage, MetaApiError } from "../../channels/meta/api";
import { metaDedupeKey, type MetaStoredItem } from "../../channels/meta/parse";
import { SlidingWindowLimiter } from "../../channels/rate-limit";
import { logger } from "../../log";
import { metaOrder } from "../../ingest/order-keys";
import { storeInboundEvent } from "../../ingest/store-event";
import type { ServiceContext } from "../context";
import type { RecoveryProgress } from "./recover-vk-history";
import { processStoredEvents } from "../events/process-inbound-event";

/** How far back a Meta recovery may look at most: the 24-hour messaging window. */
export const META_RECOVERY_WINDOW_MS = 24 * 3600_000;
/**
 * How far before the incident opened it looks: a loss is noticed at the next failed send or probe, and Meta
 * keeps retrying a failing delivery for up to an hour before it gives up on the Page.
 */
export const META_RECOVERY_MARGIN_MS = 2 * 3600_000;

/** Graph rate limits (protocols/meta.md §2.3: Conversations API, 2 calls a second per Page): small pages, hard caps. */
const CONVERSATIONS_PER_PAGE = 10;
const MESSAGES_PER_PAGE = 20;
const MAX_CONVERSATIONS = 100;
const MAX_MESSAGES_PER_CONVERSATION = 100;
const MAX_MESSAGES = 500;
/** The wizard waits for the recovery: past this it stops, keeping what it found. */
const DEADLINE_MS = 20_000;
const MESSAGE_FIELDS = "id,created_time,from,to,message,attachments,sticker";

const limiter = new SlidingWindowLimiter();
/** Waits until one more Conversations API call for this Page fits in 2 a second, then counts it. */
async function paceConversationsCall(pageId: string): Promise<void> {
  const limits = [{ key: `meta-conversations:${pageId}`, limit: 2, windowMs: 1_000 }];
  for (let wait = limiter.waitMs(limits); wait > 0; wait = limiter.waitMs(limits)) {
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
  limiter.record(limits);
}

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown) => (typeof v === "string" ? v : undefined);

/** A customer's message as the Conversations API returned it, with the time it was written. */
export type MetaHistoryMessage = { raw: Obj; at: number };

export type MissedMetaMessages = { messages: MetaHistoryMessage[]; conversations: number; truncated: boolean; failure?: { code: number | null; subcode: number | null } };

/**
 * The customers' messages written in `window` in a Page's conversations on one platform (Instagram: through its
 * linked Page with platform=instagram): conversations newest first until one was last updated before the
 * window, each conversation's messages newest first (the nested `messages` field, then its edge) until one is
 * older than the window. Messages by the Page or the Instagram account are left out. Oldest first. A Graph
 * refusal stops the search and keeps what was found.
 */
export async function missedMetaMessages(opts: {
  pageToken: string;
  pageId: string;
  accountIds: readonly string[];
  platform: "messenger" | "instagram";
  window: { since: Date; until: Date };
  pace?: () => Promise<void>;
  deadline?: number;
}): Promise<MissedMetaMessages> {
  const since = opts.window.since.getTime();
  const until = opts.window.until.getTime();
  const pace = opts.pace ?? (() => paceConversationsCall(opts.pageId));
  const deadline = opts.deadline ?? Date.now() + DEADLINE_MS;
  const ours = new Set(opts.accountIds);
  const found: MetaHistoryMessage[] = [];
  let conversations = 0;
  let truncated = false;

  const timeOf = (v: unknown) => {
    const t = typeof v === "string" ? Date.parse(v) : NaN;
    return Number.isFinite(t) ? t : undefined;
  };
  /** Keeps the page's messages in the window; says whether older ones may follow. */
  const take = (data: Obj[]): boolean => {
    let older = false;
    for (const m of data) {
      const at = timeOf(m.created_time);
      if (at === undefined) continue;
      if (at < since) {
        older = true;
        continue;
      }
      if (at > until) continue;
      const from = isObject(m.from) ? str(m.from.id) : undefined;
      if (!from || ours.has(from) || !str(m.id)) continue;
      found.push({ raw: m, at });
    }
    return !older;
  };

  try {
    let after: string | undefined;
    outer: do {
      if (Date.now() > deadline) {
        truncated = true;
        break;
      }
      await pace();
      const page = await getGraphList(opts.pageToken, opts.pageId, "conversations", {
        platform: opts.platform,
        fields: `id,updated_time,messages.limit(${MESSAGES_PER_PAGE}){${MESSAGE_FIELDS}}`,
        limit: String(CONVERSATIONS_PER_PAGE),
        ...(after ? { after } : {}),
      });
      for (const conversation of page.data) {
        const updated = timeOf(conversation.updated_time);
        // Newest first: a conversation last updated before the window ends the search.
        if (updated !== undefined && updated < since) break outer;
        const id = str(conversation.id);
        if (!id) continue;
        if (++conversations > MAX_CONVERSATIONS || found.length >= MAX_MESSAGES) {
          truncated = true;
          break outer;
        }
        let listed = graphListPage(conversation.messages);
        let seen = listed.data.length;
        while (take(listed.data) && listed.after) {
          if (seen >= MAX_MESSAGES_PER_CONVERSATION || Date.now() > deadline) {
            truncated = true;
            break;
          }
          await pace();
          listed = await getGraphList(opts.pageToken, id, "messages", { fields: MESSAGE_FIELDS, limit: String(MESSAGES_PER_PAGE), after: listed.after });
          seen += listed.data.length;
        }
      }
      after = page.after;
    } while (after);
  } catch (error) {
    if (!(error instanceof MetaApiError)) throw error;
    return {
      messages: oldestFirst(found),
      conversations,
      truncated: true,
      failure: { code: typeof error.providerError.code === "number" ? error.providerError.code : null, subcode: error.providerError.subcode ?? null },
    };
  }
  return { messages: oldestFirst(found), conversations, truncated };
}

const oldestFirst = (list: MetaHistoryMessage[]) => [...list].sort((a, b) => a.at - b.at);

/** A Conversations API attachment as the webhook would have carried it (`{type, payload: {url, title?}}`). */
function webhookAttachments(m: Obj): Obj[] {
  const out: Obj[] = [];
  const list = isObject(m.attachments) && Array.isArray(m.attachments.data) ? m.attachments.data.filter(isObject) : [];
  for (const a of list) {
    const image = isObject(a.image_data) ? str(a.image_data.url) : undefined;
    const video = isObject(a.video_data) ? str(a.video_data.url) : undefined;
    const file = str(a.file_url);
    if (image) out.push({ type: "image", payload: { url: image } });
    else if (video) out.push({ type: "video", payload: { url: video } });
    else if (file) out.push(str(a.mime_type)?.startsWith("audio/") ? { type: "audio", payload: { url: file } } : { type: "file", payload: { url: file, ...(str(a.name) ? { title: str(a.name) } : {}) } });
  }
  const sticker = str(m.sticker);
  if (sticker) out.push({ type: "sticker", payload: { url: sticker } });
  return out;
}

/**
 * The webhook item Meta would have sent for a customer's message (protocols/meta.md §1.4–1.5): a `messaging`
 * element with sender, recipient, timestamp and `message: {mid, text, attachments}`, stored as the webhook
 * stores it, so it dedupes on the same `mid:` key. Undefined for a message with nothing to show.
 */
export function metaBackfillItem(provider: "messenger" | "instagram", accountId: string, message: MetaHistoryMessage): MetaStoredItem | undefined {
  const m = message.raw;
  const mid = str(m.id);
  const sender = isObject(m.from) ? str(m.from.id) : undefined;
  if (!mid || !sender) return undefined;
  const text = str(m.message) ?? "";
  const attachments = webhookAttachments(m);
  if (!text && attachments.length === 0) return undefined;
  return {
    object: provider === "instagram" ? "instagram" : "page",
    entryId: accountId,
    entryTime: message.at,
    field: "messaging",
    item: {
      sender: { id: sender },
      recipient: { id: accountId },
      timestamp: message.at,
      message: { mid, ...(text ? { text } : {}), ...(attachments.length ? { attachments } : {}) },
    },
  };
}

export type RecoverMetaHistoryResult = { recoveredCount: number; truncated: boolean };

/**
 * Recovers what customers wrote to a Messenger Page or an Instagram account while its connection was lost
 * (F13: "Meta: the Page's conversations since the incident opened"). Webhook deliveries missed during an outage
 * are not redelivered, so the Conversations API is read instead (missedMetaMessages), and each missed message
 * goes the way of a live webhook item: stored as an inbound event under its `mid` (the webhook's dedupe key),
 * then processed in the customer's stream, in provider order. A message that reached us by webhook anyway —
 * before, during or after — is stored once. Returns how many messages this added, and records it on the
 * incident. Never throws for a Graph failure: the reconnect has already succeeded; codes are logged, no content.
 */
export async function recoverMetaHistory(opts: {
  ctx: ServiceContext & { db: Database };
  channelId: string;
  pageToken: string;
  /** The Page whose conversations are read: the channel's own, or the Instagram account's linked Page. */
  pageId: string;
  window: { since: Date; until: Date };
  incidentId: string | null;
  pace?: () => Promise<void>;
  /** How long the history may be read, in ms (a job may take longer than a request could). */
  deadlineMs?: number;
  /** Told how many missed messages were found and how many are handled so far (the job's progress). */
  onProgress?: (progress: RecoveryProgress) => Promise<void>;
}): Promise<RecoverMetaHistoryResult> {
  const { ctx, channelId } = opts;
  const [channel] = await ctx.db
    .select()
    .from(channels)
    .where(and(eq(channels.id, channelId), eq(channels.companyId, ctx.companyId)));
  if (!channel || (channel.provider !== "messenger" && channel.provider !== "instagram")) return { recoveredCount: 0, truncated: false };
  const provider = channel.provider;
  const accountId = channel.externalId;
  const log = { companyId: ctx.companyId, channelId, provider };

  const found = await missedMetaMessages({
    pageToken: opts.pageToken,
    pageId: opts.pageId,
    accountIds: [accountId, opts.pageId],
    platform: provider,
    window: opts.window,
    ...(opts.pace ? { pace: opts.pace } : {}),
    ...(opts.deadlineMs ? { deadline: Date.now() + opts.deadlineMs } : {}),
  });
  if (found.failure) logger.warn("channels.meta_recovery_failed", { ...log, code: found.failure.code, subcode: found.failure.subcode, kept: found.messages.length });

  const candidates = found.messages.flatMap((m) => {
    const stored = metaBackfillItem(provider, accountId, m);
    return stored ? [{ stored, mid: (stored.item.message as { mid: string }).mid, at: m.at }] : [];
  });
  const mids = [...new Set(candidates.map((c) => c.mid))];
  const already =
    mids.length === 0
      ? new Set<string>()
      : new Set(
          (
            await ctx.db
              .select({ mid: messages.providerMessageId })
              .from(messages)
              .where(and(eq(messages.channelId, channelId), eq(messages.companyId, ctx.companyId), inArray(messages.providerMessageId, mids)))
          ).map((r) => r.mid),
        );

  const storedIds: string[] = [];
  const storedMids = new Set<string>();
  let processed = 0;
  await opts.onProgress?.({ found: candidates.length, processed, recovered: 0 });
  for (const { stored, mid, at } of candidates) {
    if (processed > 0) await opts.onProgress?.({ found: candidates.length, processed, recovered: storedMids.size });
    processed++;
    if (already.has(mid) || storedMids.has(mid)) continue;
    const saved = await storeInboundEvent(channel, {
      dedupeKey: metaDedupeKey(stored),
      eventType: "message",
      payload: stored,
      raw: Buffer.from(JSON.stringify(stored), "utf8"),
      order: metaOrder(channel.id, accountId, stored.item, at),
    });
    if (!saved.ok) {
      logger.warn("channels.meta_recovery_store_failed", log);
      break;
    }
    // No id: the webhook stored this mid already (its row is processed by the ingest worker).
    if (saved.id) {
      storedMids.add(mid);
      if (saved.status === "received") storedIds.push(saved.id);
    }
  }
  if (storedIds.length > 0) await processStoredEvents(storedIds);
  await opts.onProgress?.({ found: candidates.length, processed, recovered: storedMids.size });

  const recovered = storedMids.size
    ? await ctx.db
        .select({ n: sql<number>`count(*)::int` })
        .from(messages)
        .where(and(eq(messages.channelId, channelId), eq(messages.companyId, ctx.companyId), inArray(messages.providerMessageId, [...storedMids])))
    : [];
  const recoveredCount = recovered[0]?.n ?? 0;
  if (opts.incidentId && recoveredCount > 0) {
    await ctx.db
      .update(channelIncidents)
      .set({ recoveredCount: sql`${channelIncidents.recoveredCount} + ${recoveredCount}` })
      .where(and(eq(channelIncidents.id, opts.incidentId), eq(channelIncidents.companyId, ctx.companyId)));
  }
  logger.info("channels.meta_recovered", { ...log, recovered: recoveredCount, candidates: candidates.length, conversations: found.conversations, truncated: found.truncated });
  return { recoveredCount, truncated: found.truncated };
}
