import { createHash } from "node:crypto";
import { z } from "zod";
import type { Attachment } from "../../../db/schema";
import { stableStringify } from "../../webhooks/json-safety";
import type { NormalizedEvent, ParsedEvent } from "../types";

/** Meta's own inboxes: a human typing there shows up as an echo with one of these app ids (protocols/meta.md §3.3). */
export const PAGE_INBOX_APP_ID = "263902037430900";
export const INSTAGRAM_INBOX_APP_ID = "1217981644879628";

export type MetaProvider = "messenger" | "instagram";

/** One inbound_events row: a single webhook item with the envelope facts its parsing needs. */
export type MetaStoredItem = {
  object: string;
  entryId: string;
  entryTime?: number;
  /** `standby` means another app owns the thread; `changes` carries non-messaging objects (permissions…). */
  field: "messaging" | "standby" | "changes";
  item: Record<string, unknown>;
  /** Permissions rows only: the Page / IG account the change was routed to (one row per affected channel). */
  accountId?: string;
};

export type MetaSplitItem = {
  stored: MetaStoredItem;
  provider: MetaProvider;
  /** Account ids that own the item: the entry id, or a permission change's target ids. */
  routeIds: string[];
  /** Epoch ms, for processing in the order things happened (Meta does not guarantee delivery order). */
  timestamp: number;
  dedupeKey: string;
  eventType: string;
  /** Set when no channel can use the item, whatever the routing finds. */
  ignoredReason?: string;
};

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
/** Graph ids are digits; anything else (or absurdly long) names no Page and must not reach a query. */
const ID = /^[0-9A-Za-z_.:-]{1,128}$/;
const idString = (v: unknown): string | undefined => (typeof v === "string" && ID.test(v) ? v : typeof v === "number" && Number.isSafeInteger(v) ? String(v) : undefined);
const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/** Graph change webhooks use seconds, messaging uses milliseconds: normalise to ms. */
const toMs = (t: number) => (t < 1e11 ? t * 1000 : t);

const ENVELOPE_KEYS = new Set(["sender", "recipient", "timestamp"]);
const KNOWN_TYPES = [
  "message",
  "postback",
  "delivery",
  "read",
  "reaction",
  "message_edit",
  "pass_thread_control",
  "take_thread_control",
  "request_thread_control",
  "app_roles",
  "referral",
  "optin",
  "policy_enforcement",
  "account_linking",
] as const;

function itemType(stored: MetaStoredItem): string {
  const { item } = stored;
  if (stored.field === "changes") return `${stored.object}.${str(item.field) ?? "change"}${isObject(item.value) && str(item.value.verb) ? `.${str(item.value.verb)}` : ""}`;
  const type = KNOWN_TYPES.find((k) => k in item) ?? Object.keys(item).find((k) => !ENVELOPE_KEYS.has(k)) ?? "empty";
  const base = type === "message" && isObject(item.message) && item.message.is_echo === true ? "message_echo" : type;
  return stored.field === "standby" ? `standby.${base}` : base;
}

/**
 * Messages, echoes and postbacks dedupe on their `mid` (a redelivery is the same message); edits on mid +
 * edit count; everything else (receipts, handovers, reactions with their action) on a hash of the item.
 */
export function metaDedupeKey(stored: MetaStoredItem): string {
  const { item } = stored;
  const message = isObject(item.message) ? item.message : undefined;
  const postback = isObject(item.postback) ? item.postback : undefined;
  const edit = isObject(item.message_edit) ? item.message_edit : undefined;
  const mid = str(message?.mid) ?? str(postback?.mid);
  if (mid && stored.field !== "changes") return `mid:${mid}`;
  if (edit && str(edit.mid)) return `edit:${str(edit.mid)}:${num(edit.num_edit) ?? 0}`;
  const hashed = {
    object: stored.object,
    entryId: stored.entryId,
    field: stored.field,
    item,
    // A change has no timestamp of its own: two revocations of one permission differ only in entry.time.
    ...(stored.field === "changes" ? { entryTime: stored.entryTime ?? null, accountId: stored.accountId ?? null } : {}),
  };
  return `h:${createHash("sha256").update(stableStringify(hashed)).digest("hex")}`;
}

/**
 * Splits a verified webhook body into items, one per `messaging[]` / `standby[]` / `changes[]` element of
 * every entry, sorted by timestamp. Fails only when the body is not a Meta envelope at all.
 */
export function splitMetaEnvelope(payload: unknown): { ok: true; object: string; items: MetaSplitItem[]; skipped: number } | { ok: false; reason: string } {
  if (!isObject(payload) || typeof payload.object !== "string" || !Array.isArray(payload.entry)) {
    return { ok: false, reason: "a Meta webhook must be a JSON object with `object` and an `entry` array" };
  }
  if (!/^[a-z_]{1,64}$/.test(payload.object)) return { ok: false, reason: "`object` must be a Graph object name" };
  const object = payload.object;
  // Entries without an id and elements that are not objects cannot be routed; the caller keeps the body for them.
  let skipped = 0;
  const provider: MetaProvider = object === "instagram" ? "instagram" : "messenger";
  const handled = object === "page" || object === "instagram" || object === "permissions";
  const items: MetaSplitItem[] = [];
  for (const entry of payload.entry) {
    const entryId = isObject(entry) ? idString(entry.id) : undefined;
    if (!isObject(entry) || !entryId) {
      skipped++;
      continue;
    }
    const entryTime = num(entry.time);
    for (const field of ["messaging", "standby", "changes"] as const) {
      const list = entry[field];
      if (list === undefined) continue;
      if (!Array.isArray(list)) {
        skipped++;
        continue;
      }
      for (const raw of list) {
        if (!isObject(raw)) {
          skipped++;
          continue;
        }
        const stored: MetaStoredItem = { object, entryId, ...(entryTime !== undefined ? { entryTime } : {}), field, item: raw };
        const timestamp = toMs(num(raw.timestamp) ?? entryTime ?? 0);
        let routeIds = [entryId];
        let ignoredReason: string | undefined;
        if (!handled) ignoredReason = `object ${object} is not handled`;
        else if (object === "permissions") {
          const value = isObject(raw.value) ? raw.value : {};
          routeIds = Array.isArray(value.target_ids) ? value.target_ids.map(idString).filter((v): v is string => v !== undefined) : [];
          if (routeIds.length === 0) ignoredReason = "permission change without target ids";
        } else if (field === "changes") ignoredReason = `${object} change ${str(raw.field) ?? ""} is not handled`.trim();
        items.push({ stored, provider, routeIds, timestamp, dedupeKey: metaDedupeKey(stored), eventType: itemType(stored), ...(ignoredReason ? { ignoredReason } : {}) });
      }
    }
  }
  // Array.prototype.sort is stable: items with equal timestamps keep their envelope order.
  items.sort((a, b) => a.timestamp - b.timestamp);
  return { ok: true, object, items, skipped };
}

function attachmentOf(a: unknown): Attachment {
  const att = isObject(a) ? a : {};
  const type = str(att.type) ?? "unknown";
  const p = isObject(att.payload) ? att.payload : {};
  const url = str(p.url);
  switch (type) {
    case "image":
      // Until Aug 2026 Messenger sends stickers as images that carry a sticker_id.
      return p.sticker_id !== undefined ? { kind: "sticker", providerRef: url ?? idString(p.sticker_id) } : { kind: "image", providerRef: url };
    case "audio":
      return { kind: "audio", providerRef: url };
    case "video":
      return { kind: "video", providerRef: url };
    case "file":
      return { kind: "file", providerRef: url, name: str(p.title) };
    case "sticker":
      return { kind: "sticker", providerRef: url ?? idString(p.sticker_id) };
    case "location": {
      const c = isObject(p.coordinates) ? p.coordinates : {};
      return { kind: "location", providerRef: num(c.lat) !== undefined && num(c.long) !== undefined ? `${num(c.lat)},${num(c.long)}` : url };
    }
    default:
      // story_mention, share, reel, ig_reel, post, fallback…: kept as a reference the inbox can link to.
      return { kind: "other", name: type === "fallback" ? (str(p.title) ?? type) : type, providerRef: url };
  }
}

type ParseContext = { appId?: string };

function echoSource(appId: string | undefined, ours: string | undefined): "us" | "provider_inbox" | "other_app" {
  if (appId && ours && appId === ours) return "us";
  // Instagram echoes carry no app_id; a human answering in the Instagram app is the common case.
  if (!appId || appId === PAGE_INBOX_APP_ID || appId === INSTAGRAM_INBOX_APP_ID) return "provider_inbox";
  return "other_app";
}

function isMetaStoredItem(v: unknown): v is MetaStoredItem {
  return (
    isObject(v) &&
    typeof v.object === "string" &&
    typeof v.entryId === "string" &&
    (v.field === "messaging" || v.field === "standby" || v.field === "changes") &&
    isObject(v.item)
  );
}

/*
 * Messaging item shapes (protocols/meta.md §3), one per item kind. Loose objects: Meta adds fields; the ones
 * read here are typed, so a signed item with a wrong inner type is an "unsupported shape" on that item
 * instead of a crash while it is processed.
 */
const MetaId = z.union([z.string(), z.number().int()]);
/** Epoch milliseconds (or seconds, for changes) up to the year 2286. */
const epoch = z.number().min(0).max(1e13);
const optString = z.string().optional();
const Party = z.looseObject({ id: MetaId.optional(), user_ref: MetaId.optional() });
const MetaAttachment = z.looseObject({
  type: optString,
  payload: z
    .looseObject({ url: optString, title: optString, sticker_id: MetaId.optional(), coordinates: z.looseObject({ lat: z.number(), long: z.number() }).optional() })
    .nullable()
    .optional(),
});
const Handover = z.looseObject({ new_owner_app_id: MetaId.nullable().optional(), previous_owner_app_id: MetaId.nullable().optional() }).optional();
const MessagingItem = z.looseObject({
  sender: Party.optional(),
  recipient: Party.optional(),
  timestamp: epoch.optional(),
  message: z
    .looseObject({
      mid: optString,
      text: optString,
      attachments: z.array(MetaAttachment).optional(),
      is_echo: z.boolean().optional(),
      is_deleted: z.boolean().optional(),
      is_unsupported: z.boolean().optional(),
      app_id: MetaId.optional(),
      reply_to: z.looseObject({ mid: optString, story: z.looseObject({ url: optString, id: MetaId.optional() }).optional() }).optional(),
    })
    .optional(),
  postback: z.looseObject({ title: optString, payload: optString, mid: optString }).optional(),
  delivery: z.looseObject({ mids: z.array(z.string()).optional(), watermark: epoch.optional() }).optional(),
  read: z.looseObject({ mid: optString, watermark: epoch.optional() }).optional(),
  reaction: z.looseObject({ mid: optString, emoji: optString, action: optString }).optional(),
  message_edit: z.looseObject({ mid: optString, text: optString, num_edit: z.number().int().optional() }).optional(),
  pass_thread_control: Handover,
  take_thread_control: Handover,
  request_thread_control: z.looseObject({ requested_owner_app_id: MetaId.nullable().optional() }).optional(),
  app_roles: z.record(z.string(), z.unknown()).optional(),
});
const StoredEnvelope = z.looseObject({ entryTime: epoch.optional() });

function unsupportedShape(kind: string, error: z.ZodError): { ok: false; reason: string } {
  const issues = error.issues.slice(0, 3).map((issue) => `${[kind, ...issue.path.map(String)].join(".").slice(0, 120)}: ${issue.message.slice(0, 120)}`);
  return { ok: false, reason: `unsupported shape: ${issues.join("; ")}` };
}

/** Permissions whose loss stops a channel from receiving or sending (protocols/meta.md §4.1, §5). */
const REQUIRED_PERMISSIONS: Record<MetaProvider, ReadonlySet<string>> = {
  messenger: new Set(["pages_messaging", "pages_manage_metadata"]),
  instagram: new Set(["instagram_basic", "instagram_manage_messages", "pages_manage_metadata", "instagram_business_basic", "instagram_business_manage_messages"]),
};

/** Turns one stored item (see MetaStoredItem) into neutral events for the channel it was routed to. */
export function parseMetaItem(payload: unknown, provider: MetaProvider, ctx: ParseContext): ParsedEvent {
  if (!isMetaStoredItem(payload)) return { ok: false, reason: "a stored Meta event must have object, entryId, field and item" };
  const stored = payload;
  const dedupeKey = metaDedupeKey(stored);
  const eventType = itemType(stored);
  const done = (events: NormalizedEvent[], ignoredReason?: string): ParsedEvent => ({ ok: true, dedupeKey, eventType, events, ...(ignoredReason ? { ignoredReason } : {}) });
  const { item } = stored;

  if (stored.object === "permissions") {
    const field = str(item.field) ?? "";
    const verb = isObject(item.value) ? str(item.value.verb) : undefined;
    if (verb !== "revoked") return done([], `permission ${field} ${verb ?? "changed"}`);
    if (!REQUIRED_PERMISSIONS[provider].has(field)) return done([], `permission ${field} is not needed by this channel`);
    return done([{ kind: "connection_lost", reason: "permission_revoked", providerError: { code: "permissions", description: `${field} revoked` } }]);
  }
  if (stored.field === "changes") return done([], `${eventType} is not handled`);
  const envelope = StoredEnvelope.safeParse(stored);
  if (!envelope.success) return unsupportedShape("entry", envelope.error);
  const shape = MessagingItem.safeParse(item);
  if (!shape.success) return unsupportedShape("item", shape.error);

  const sender = isObject(item.sender) ? (idString(item.sender.id) ?? (idString(item.sender.user_ref) ? `user_ref:${idString(item.sender.user_ref)}` : undefined)) : undefined;
  const recipient = isObject(item.recipient) ? idString(item.recipient.id) : undefined;
  // The customer is whichever side is not the Page / IG account (echoes are sent by the account).
  const chatId = sender && sender !== stored.entryId ? sender : recipient !== stored.entryId ? recipient : undefined;
  const at = new Date(toMs(num(item.timestamp) ?? stored.entryTime ?? Date.now()));
  const standby = stored.field === "standby";
  const otherAppOwns = (appId?: string): NormalizedEvent[] => (standby && chatId ? [{ kind: "thread_control", chatId, owner: "other_app", ...(appId ? { appId } : {}) }] : []);
  // Seen in the wild (Instagram): items without a sender or recipient. Nobody to put them with: kept, explained.
  const HANDLED = ["message", "postback", "delivery", "read", "reaction", "message_edit", "pass_thread_control", "take_thread_control", "request_thread_control"];
  if (!chatId && HANDLED.some((k) => isObject(item[k]))) return done([], `${eventType} without a sender or recipient: kept, no conversation to show it in`);

  if (isObject(item.message)) {
    const m = item.message;
    const mid = str(m.mid);
    if (!mid || !chatId) return { ok: false, reason: "message without mid or sender" };
    if (m.is_deleted === true) return done([], "the customer deleted a message");
    const attachments = Array.isArray(m.attachments) ? m.attachments.map(attachmentOf) : [];
    const replyTo = isObject(m.reply_to) ? m.reply_to : undefined;
    const story = replyTo && isObject(replyTo.story) ? replyTo.story : undefined;
    if (story) attachments.push({ kind: "other", name: "story_reply", providerRef: str(story.url) ?? idString(story.id) });
    if (m.is_unsupported === true) attachments.push({ kind: "other", note: "unsupported" });
    const text = str(m.text) ?? "";
    if (m.is_echo === true) {
      const appId = idString(m.app_id);
      const source = echoSource(appId, ctx.appId);
      return done([
        { kind: "echo", chatId, providerMessageId: mid, text, attachments, sentAt: at, source, ...(appId ? { appId } : {}) },
        ...(source === "us" ? [] : otherAppOwns(appId)),
      ]);
    }
    if (!text && attachments.length === 0) return done([], "message without text or attachments");
    return done([
      { kind: "message", chatId, chatKind: "private", contactName: chatId, text, attachments, providerMessageId: mid, sentAt: at },
      ...otherAppOwns(),
    ]);
  }

  if (isObject(item.postback)) {
    const p = item.postback;
    if (!chatId) return { ok: false, reason: "postback without sender" };
    // The button's title is what the customer saw and tapped; the payload is for bots.
    const text = str(p.title) ?? str(p.payload) ?? "";
    return done([
      { kind: "message", chatId, chatKind: "private", contactName: chatId, text, attachments: [], providerMessageId: str(p.mid) ?? `postback:${dedupeKey}`, sentAt: at },
      ...otherAppOwns(),
    ]);
  }

  if (isObject(item.delivery) || isObject(item.read)) {
    if (!chatId) return { ok: false, reason: "receipt without sender" };
    const status = isObject(item.delivery) ? "delivered" : "read";
    const r = (item.delivery ?? item.read) as Obj;
    const mids = Array.isArray(r.mids) ? r.mids.filter((x): x is string => typeof x === "string") : str(r.mid) ? [str(r.mid)!] : [];
    const watermark = num(r.watermark);
    if (mids.length === 0 && watermark === undefined) return done([], `${status} receipt without mids or watermark`);
    return done([
      { kind: "receipt", chatId, status, ...(mids.length ? { providerMessageIds: mids } : {}), ...(watermark !== undefined ? { watermark: new Date(toMs(watermark)) } : {}) },
    ]);
  }

  if (isObject(item.reaction)) {
    const r = item.reaction;
    const mid = str(r.mid);
    if (!mid || !chatId) return { ok: false, reason: "reaction without mid or sender" };
    return done([{ kind: "reaction", chatId, providerMessageId: mid, emoji: str(r.emoji), action: r.action === "unreact" ? "unreact" : "react" }]);
  }

  if (isObject(item.message_edit)) {
    const e = item.message_edit;
    const mid = str(e.mid);
    if (!mid || !chatId) return { ok: false, reason: "message_edit without mid or sender" };
    return done([{ kind: "message_edited", chatId, providerMessageId: mid, text: str(e.text) ?? "", editedAt: at }]);
  }

  const handover = (isObject(item.pass_thread_control) && item.pass_thread_control) || (isObject(item.take_thread_control) && item.take_thread_control);
  if (handover) {
    if (!chatId) return { ok: false, reason: "handover without sender" };
    const newOwner = idString(handover.new_owner_app_id);
    const passed = isObject(item.pass_thread_control);
    // Without our app id, fall back to the documented meaning: pass = "passed to your app", take = "taken from it".
    const owner = ctx.appId && newOwner ? (newOwner === ctx.appId ? "us" : "other_app") : passed ? "us" : "other_app";
    return done([{ kind: "thread_control", chatId, owner, ...(newOwner ? { appId: newOwner } : {}) }]);
  }

  if (isObject(item.request_thread_control)) {
    if (!chatId) return { ok: false, reason: "request_thread_control without sender" };
    const requestedBy = idString(item.request_thread_control.requested_owner_app_id) ?? "unknown";
    return done([{ kind: "thread_control", chatId, owner: "us", requestedBy }]);
  }

  if (isObject(item.app_roles)) {
    const ours = ctx.appId ? item.app_roles[ctx.appId] : undefined;
    return done([], `app roles changed; ours: ${Array.isArray(ours) ? ours.join(",") : "none"}`);
  }

  return done([], `${eventType} is not handled`);
}
