import { createHash } from "node:crypto";
import { z } from "zod";
import type { Attachment } from "../../../db/schema";
import { stableStringify } from "../../json-safety";
import { lenient, lenientBoolean, lenientInt, lenientString, lenientTime, missingField, optionalNullable, readEpochMs, unsupportedShape } from "../lenient";
import type { NormalizedEvent, ParsedEvent } from "../types";

/** Meta's own inboxes: a human typing there shows up as an echo with one of these app ids (protocols/meta.md §3.3). */
export const PAGE_INBOX_APP_ID = "263902037430900";
export const INSTAGRAM_INBOX_APP_ID = "1217981644879628";

export type MetaProvider = "messenger" | "instagram";

/** One inbound_events row: a single webhook item with the envelope facts its parsing needs. */
export type MetaStoredItem = {
  object: string;
  entryId: string;
  /** entry.time as Meta sent it (milliseconds, seconds, or text from some senders); read with readEpochMs. */
  entryTime?: number | string;
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
  /**
   * Epoch ms, for processing in the order things happened (Meta does not guarantee delivery order); the time
   * the body was received when the item's time cannot be read.
   */
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
  // `null` is absent: serializers that write every field send `"message": null` beside the real `read`.
  const type = KNOWN_TYPES.find((k) => item[k] != null) ?? Object.keys(item).find((k) => !ENVELOPE_KEYS.has(k) && item[k] != null) ?? "empty";
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

/** entry.time kept as sent when it is a plain value; anything else (or a string of any length) is not a time. */
const entryTimeOf = (v: unknown): number | string | undefined => (typeof v === "number" && Number.isFinite(v) ? v : typeof v === "string" && v.length <= 64 ? v : undefined);

/**
 * Splits a verified webhook body into items, one per `messaging[]` / `standby[]` / `changes[]` element of
 * every entry, sorted by timestamp (`receivedAtMs` for an item whose time cannot be read: an impossible
 * time never reaches a bigint column). Fails only when the body is not a Meta envelope at all.
 */
export function splitMetaEnvelope(payload: unknown, receivedAtMs = Date.now()): { ok: true; object: string; items: MetaSplitItem[]; skipped: number } | { ok: false; reason: string } {
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
    const entryTime = entryTimeOf(entry.time);
    for (const field of ["messaging", "standby", "changes"] as const) {
      const list = entry[field];
      if (list == null) continue;
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
        const timestamp = readEpochMs(raw.timestamp) ?? readEpochMs(entryTime) ?? receivedAtMs;
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

type ParseContext = { appId?: string; receivedAt?: Date };

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
 * Messaging item shapes (protocols/meta.md §3), one per item kind. Loose objects: Meta adds fields. Who wrote,
 * the message id, the text and the media are typed strictly, so an item without them is an "unsupported shape"
 * naming the field instead of a crash while it is processed; the rest is read leniently
 * (server/channels/lenient.ts): `null` is absent, times may be ms, seconds, digits or ISO text.
 */
const MetaId = z.union([z.string(), z.number().int()]);
const optId = optionalNullable(MetaId);
const optString = optionalNullable(z.string());
const Party = optionalNullable(z.looseObject({ id: optId, user_ref: optId }));
const MetaAttachment = z.looseObject({
  type: optString,
  payload: optionalNullable(
    z.looseObject({ url: optString, title: lenientString, sticker_id: lenient(MetaId), coordinates: lenient(z.looseObject({ lat: z.number(), long: z.number() })) }),
  ),
});
const Handover = optionalNullable(z.looseObject({ new_owner_app_id: optId }));
const MessagingItem = z.looseObject({
  sender: Party,
  recipient: Party,
  timestamp: lenientTime,
  message: optionalNullable(
    z.looseObject({
      mid: optString,
      text: optString,
      attachments: optionalNullable(z.array(MetaAttachment)),
      // Whether the account itself sent it decides the direction: strict.
      is_echo: optionalNullable(z.boolean()),
      is_deleted: lenientBoolean,
      is_unsupported: lenientBoolean,
      app_id: optId,
      reply_to: lenient(z.looseObject({ mid: optString, story: optionalNullable(z.looseObject({ url: optString, id: optId })) })),
    }),
  ),
  postback: optionalNullable(z.looseObject({ title: lenientString, payload: lenientString, mid: optString })),
  delivery: optionalNullable(z.looseObject({ mids: optionalNullable(z.array(z.string())), watermark: lenientTime })),
  read: optionalNullable(z.looseObject({ mid: optString, watermark: lenientTime })),
  reaction: optionalNullable(z.looseObject({ mid: optString, emoji: lenientString, action: lenientString })),
  message_edit: optionalNullable(z.looseObject({ mid: optString, text: optString, num_edit: lenientInt })),
  pass_thread_control: Handover,
  take_thread_control: Handover,
  request_thread_control: optionalNullable(z.looseObject({ requested_owner_app_id: optId })),
  app_roles: lenient(z.record(z.string(), z.unknown())),
});

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
  const shape = MessagingItem.safeParse(item);
  if (!shape.success) return unsupportedShape("item", shape.error, item);

  const sender = isObject(item.sender) ? (idString(item.sender.id) ?? (idString(item.sender.user_ref) ? `user_ref:${idString(item.sender.user_ref)}` : undefined)) : undefined;
  const recipient = isObject(item.recipient) ? idString(item.recipient.id) : undefined;
  // The customer is whichever side is not the Page / IG account (echoes are sent by the account).
  const chatId = sender && sender !== stored.entryId ? sender : recipient !== stored.entryId ? recipient : undefined;
  const at = new Date(readEpochMs(item.timestamp) ?? readEpochMs(stored.entryTime) ?? (ctx.receivedAt ?? new Date()).getTime());
  const standby = stored.field === "standby";
  const otherAppOwns = (appId?: string): NormalizedEvent[] => (standby && chatId ? [{ kind: "thread_control", chatId, owner: "other_app", ...(appId ? { appId } : {}) }] : []);
  // Seen in the wild (Instagram): items without a sender or recipient. Nobody to put them with: kept, explained.
  const HANDLED = ["message", "postback", "delivery", "read", "reaction", "message_edit", "pass_thread_control", "take_thread_control", "request_thread_control"];
  if (!chatId && HANDLED.some((k) => isObject(item[k]))) return done([], `${eventType} without a sender or recipient: kept, no conversation to show it in`);

  if (isObject(item.message)) {
    const m = item.message;
    const mid = str(m.mid);
    if (!mid) return missingField("item.message.mid");
    if (!chatId) return missingField("item.sender.id");
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
    if (!chatId) return missingField("item.sender.id");
    // The button's title is what the customer saw and tapped; the payload is for bots.
    const text = str(p.title) ?? str(p.payload) ?? "";
    return done([
      { kind: "message", chatId, chatKind: "private", contactName: chatId, text, attachments: [], providerMessageId: str(p.mid) ?? `postback:${dedupeKey}`, sentAt: at },
      ...otherAppOwns(),
    ]);
  }

  if (isObject(item.delivery) || isObject(item.read)) {
    if (!chatId) return missingField("item.sender.id");
    const status = isObject(item.delivery) ? "delivered" : "read";
    const r = (item.delivery ?? item.read) as Obj;
    const mids = Array.isArray(r.mids) ? r.mids.filter((x): x is string => typeof x === "string") : str(r.mid) ? [str(r.mid)!] : [];
    const watermark = readEpochMs(r.watermark);
    if (mids.length === 0 && watermark === undefined) return done([], `${status} receipt without mids or watermark`);
    return done([
      { kind: "receipt", chatId, status, ...(mids.length ? { providerMessageIds: mids } : {}), ...(watermark !== undefined ? { watermark: new Date(watermark) } : {}) },
    ]);
  }

  if (isObject(item.reaction)) {
    const r = item.reaction;
    const mid = str(r.mid);
    if (!mid) return missingField("item.reaction.mid");
    if (!chatId) return missingField("item.sender.id");
    return done([{ kind: "reaction", chatId, providerMessageId: mid, emoji: str(r.emoji), action: r.action === "unreact" ? "unreact" : "react" }]);
  }

  if (isObject(item.message_edit)) {
    const e = item.message_edit;
    const mid = str(e.mid);
    if (!mid) return missingField("item.message_edit.mid");
    if (!chatId) return missingField("item.sender.id");
    return done([{ kind: "message_edited", chatId, providerMessageId: mid, text: str(e.text) ?? "", editedAt: at }]);
  }

  const handover = (isObject(item.pass_thread_control) && item.pass_thread_control) || (isObject(item.take_thread_control) && item.take_thread_control);
  if (handover) {
    if (!chatId) return missingField("item.sender.id");
    const newOwner = idString(handover.new_owner_app_id);
    const passed = isObject(item.pass_thread_control);
    // Without our app id, fall back to the documented meaning: pass = "passed to your app", take = "taken from it".
    const owner = ctx.appId && newOwner ? (newOwner === ctx.appId ? "us" : "other_app") : passed ? "us" : "other_app";
    return done([{ kind: "thread_control", chatId, owner, ...(newOwner ? { appId: newOwner } : {}) }]);
  }

  if (isObject(item.request_thread_control)) {
    if (!chatId) return missingField("item.sender.id");
    const requestedBy = idString(item.request_thread_control.requested_owner_app_id) ?? "unknown";
    return done([{ kind: "thread_control", chatId, owner: "us", requestedBy }]);
  }

  if (isObject(item.app_roles)) {
    const ours = ctx.appId ? item.app_roles[ctx.appId] : undefined;
    return done([], `app roles changed; ours: ${Array.isArray(ours) ? ours.join(",") : "none"}`);
  }

  // `"message": null` and nothing else: the content the item is about is missing.
  const nulled = HANDLED.find((k) => item[k] === null);
  if (nulled) return missingField(`item.${nulled}`);
  return done([], `${eventType} is not handled`);
}
