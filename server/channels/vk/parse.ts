import { z } from "zod";
import type { Attachment } from "../../../db/schema";
import type { NormalizedEvent, ParsedEvent } from "../types";
import { vkOwnMessageKey } from "./random-id";

/** peer_id = 2000000000 + chat_id for group chats; below that a user (or −community) [messages.send doc]. */
export const VK_CHAT_PEER_OFFSET = 2_000_000_000;
const INT32_MAX = 0x7fffffff;

/*
 * Callback API shapes (dev.vk.com/api/community-events), one per event kind handled. Loose objects: VK adds
 * fields; the ones read here are typed, so a signed event with a wrong inner type is an "unsupported shape"
 * on that event instead of a crash while it is processed.
 */
const int = z.number().int();
/** Unix seconds up to the year 2286. */
const unixTime = int.min(0).max(1e10);
const optString = z.string().optional();
const VkPhotoSize = z.looseObject({ type: optString, url: optString, width: int.optional(), height: int.optional() });
type VkPhotoSize = z.infer<typeof VkPhotoSize>;
const VkAttachment = z.looseObject({
  type: z.string(),
  photo: z.looseObject({ id: int.optional(), owner_id: int.optional(), sizes: z.array(VkPhotoSize).optional() }).optional(),
  doc: z.looseObject({ id: int.optional(), owner_id: int.optional(), title: optString, size: int.min(0).optional(), ext: optString, url: optString }).optional(),
  audio_message: z.looseObject({ id: int.optional(), owner_id: int.optional(), link_ogg: optString, link_mp3: optString }).optional(),
  sticker: z.looseObject({ sticker_id: int.optional(), images: z.array(VkPhotoSize).optional() }).optional(),
  graffiti: z.looseObject({ url: optString }).optional(),
  video: z.looseObject({ id: int.optional(), owner_id: int.optional(), title: optString }).optional(),
  audio: z.looseObject({ id: int.optional(), owner_id: int.optional(), title: optString }).optional(),
});
const VkMessage = z.looseObject({
  id: int,
  date: unixTime,
  peer_id: int,
  from_id: int,
  text: optString,
  conversation_message_id: int.optional(),
  attachments: z.array(VkAttachment).optional(),
  fwd_messages: z.array(z.unknown()).optional(),
  geo: z
    .looseObject({
      coordinates: z.looseObject({ latitude: z.number().optional(), longitude: z.number().optional() }).optional(),
      place: z.looseObject({ title: optString }).optional(),
    })
    .optional(),
  action: z.looseObject({ type: optString }).optional(),
  random_id: int.optional(),
  admin_author_id: int.optional(),
  update_time: unixTime.optional(),
});
type VkMessage = z.infer<typeof VkMessage>;
const VkMessageNew = z.union([z.looseObject({ message: VkMessage, client_info: z.looseObject({ lang_id: int.optional() }).optional() }), VkMessage]);
const VkUserEvent = z.looseObject({ user_id: int });

function unsupportedShape(kind: string, error: z.ZodError): { ok: false; reason: string } {
  const issues = error.issues.slice(0, 3).map((issue) => `${[kind, ...issue.path.map(String)].join(".").slice(0, 120)}: ${issue.message.slice(0, 120)}`);
  return { ok: false, reason: `unsupported shape: ${issues.join("; ")}` };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v);

/** Callback events are deduped on event_id, scoped by community: VK only promises uniqueness per event stream. */
export const vkDedupeKey = (groupId: string | number, eventId: string) => `${groupId}:${eventId}`;

/**
 * The message key shared by message_new, message_reply and message_edit. In group chats a community sees
 * `id: 0` on every message, so the key is (peer_id, conversation_message_id), which is unique per peer.
 */
function messageKey(m: VkMessage): string | undefined {
  if (isInt(m.conversation_message_id) && m.conversation_message_id > 0) return `${m.peer_id}:${m.conversation_message_id}`;
  return m.id > 0 ? `${m.peer_id}:id${m.id}` : undefined;
}

const isChat = (peerId: number) => peerId >= VK_CHAT_PEER_OFFSET;
// VK shows no names in callbacks (that needs users.get); "id123" / "club123" are VK's own canonical handles.
const senderHandle = (fromId: number) => (fromId < 0 ? `club${-fromId}` : `id${fromId}`);
const contactNameOf = (m: VkMessage) => (isChat(m.peer_id) ? `VK chat ${m.peer_id - VK_CHAT_PEER_OFFSET}` : senderHandle(m.peer_id));

const SIZE_ORDER = "smxopqryzw"; // VK photo size letters, smallest to largest; old photos have no width/height.
function largestSize(sizes: VkPhotoSize[] | undefined): VkPhotoSize | undefined {
  const usable = (sizes ?? []).filter((s) => typeof s.url === "string");
  const area = (s: VkPhotoSize) => (s.width ?? 0) * (s.height ?? 0);
  return [...usable].sort((a, b) => area(b) - area(a) || SIZE_ORDER.indexOf(b.type ?? "") - SIZE_ORDER.indexOf(a.type ?? ""))[0];
}

function attachmentsOf(m: VkMessage): Attachment[] {
  const out: Attachment[] = [];
  for (const a of m.attachments ?? []) {
    if (a.type === "photo" && a.photo) {
      const size = largestSize(a.photo.sizes);
      out.push({ kind: "image", providerRef: size?.url, mimeType: "image/jpeg", name: `photo${a.photo.owner_id}_${a.photo.id}` });
    } else if (a.type === "doc" && a.doc) {
      out.push({ kind: "file", providerRef: a.doc.url, name: a.doc.title, sizeBytes: a.doc.size });
    } else if (a.type === "audio_message" && a.audio_message) {
      out.push({ kind: "voice", providerRef: a.audio_message.link_ogg ?? a.audio_message.link_mp3, mimeType: a.audio_message.link_ogg ? "audio/ogg" : "audio/mpeg", note: "unsupported" });
    } else if (a.type === "sticker" && a.sticker) {
      out.push({ kind: "sticker", providerRef: largestSize(a.sticker.images)?.url ?? String(a.sticker.sticker_id ?? ""), name: `sticker ${a.sticker.sticker_id ?? ""}`.trim() });
    } else if (a.type === "graffiti" && a.graffiti) {
      out.push({ kind: "image", providerRef: a.graffiti.url, name: "graffiti" });
    } else if (a.type === "video" && a.video) {
      out.push({ kind: "video", providerRef: `video${a.video.owner_id}_${a.video.id}`, name: a.video.title });
    } else if (a.type === "audio" && a.audio) {
      out.push({ kind: "audio", providerRef: `audio${a.audio.owner_id}_${a.audio.id}`, name: a.audio.title });
    } else if (a.type === "call" || a.type === "video_message") {
      // Calls and round video messages, like voice, are the media the product cannot handle (F7).
      out.push({ kind: a.type === "call" ? "other" : "video", name: a.type, note: "unsupported" });
    } else {
      // Links, wall posts, polls, gifts…: kept as a marker so a message made only of them is not lost.
      out.push({ kind: "other", name: a.type });
    }
  }
  const { latitude, longitude } = m.geo?.coordinates ?? {};
  if (typeof latitude === "number" && typeof longitude === "number") {
    out.push({ kind: "location", name: m.geo?.place?.title ?? `${latitude}, ${longitude}`, providerRef: `geo:${latitude},${longitude}` });
  }
  if (Array.isArray(m.fwd_messages) && m.fwd_messages.length > 0) {
    out.push({ kind: "other", name: `forwarded messages (${m.fwd_messages.length})` });
  }
  return out;
}

// client_info.lang_id → IETF tag (VK's language ids: 0 ru, 1 uk, 2 be, 3 en, 4 es, 5 fi, 6 de, 7 it).
const VK_LANGUAGES: Record<number, string> = { 0: "ru", 1: "uk", 2: "be", 3: "en", 4: "es", 5: "fi", 6: "de", 7: "it" };

function messageEvent(m: VkMessage, key: string, langId?: unknown): NormalizedEvent | undefined {
  const text = typeof m.text === "string" ? m.text : "";
  const attachments = attachmentsOf(m);
  if (!text && attachments.length === 0) return undefined; // chat service actions (invites, title changes…)
  const chat = isChat(m.peer_id);
  return {
    kind: "message",
    chatId: String(m.peer_id),
    chatKind: chat ? "group" : "private",
    contactName: contactNameOf(m),
    participantName: chat ? senderHandle(m.from_id) : undefined,
    text,
    attachments,
    providerMessageId: key,
    sentAt: new Date(m.date * 1000),
    languageCode: isInt(langId) ? VK_LANGUAGES[langId] : undefined,
  };
}

/**
 * Who wrote an outgoing community message (message_reply). An admin in VK's own community inbox is
 * marked by admin_author_id. Without it the message came through the API with a community key: ours when
 * it carries a random_id we could have produced (we always send a positive int32, see vkRandomId), and
 * another app's when it carries none (0) or one out of that range (vk-io, the VK web client use larger ones).
 * A parser cannot see the send queue, so a third-party bot using int32 random_ids would be taken for us.
 */
function echoSource(m: VkMessage): "us" | "provider_inbox" | "other_app" {
  if (isInt(m.admin_author_id) && m.admin_author_id > 0) return "provider_inbox";
  if (isInt(m.random_id) && m.random_id >= 1 && m.random_id <= INT32_MAX) return "us";
  return "other_app";
}

/** Turns one Callback API notification (verified, JSON-decoded) of the community `groupId` into neutral events. */
export function parseVkCallback(payload: unknown, groupId: string): ParsedEvent {
  if (!isObject(payload) || typeof payload.type !== "string" || !payload.type) {
    return { ok: false, reason: "a Callback API notification must be a JSON object with a string type" };
  }
  if (!isInt(payload.group_id)) return { ok: false, reason: "group_id must be an integer" };
  if (String(payload.group_id) !== groupId) return { ok: false, reason: "group_id is not this channel's community" };
  const type = payload.type;
  if (type === "confirmation") return { ok: true, dedupeKey: `${groupId}:confirmation`, eventType: type, events: [], ignoredReason: "confirmation handshake" };
  if (typeof payload.event_id !== "string" || !payload.event_id) return { ok: false, reason: "event_id must be a non-empty string" };
  const dedupeKey = vkDedupeKey(groupId, payload.event_id);
  const object = payload.object;
  const ignored = (reason: string): ParsedEvent => ({ ok: true, dedupeKey, eventType: type, events: [], ignoredReason: reason });
  const events = (...list: NormalizedEvent[]): ParsedEvent => ({ ok: true, dedupeKey, eventType: type, events: list });

  switch (type) {
    case "message_new": {
      // API ≥ 5.103 wraps the message as { message, client_info }; older versions send the bare message.
      const parsed = VkMessageNew.safeParse(object);
      if (!parsed.success) {
        const wrapped = isObject(object) && object.message !== undefined;
        return unsupportedShape(type, (wrapped ? z.looseObject({ message: VkMessage }) : VkMessage).safeParse(object).error ?? parsed.error);
      }
      const m = "message" in parsed.data && isObject(parsed.data.message) ? (parsed.data.message as VkMessage) : (parsed.data as VkMessage);
      const key = messageKey(m);
      if (!key) return { ok: false, reason: "message_new has neither conversation_message_id nor id" };
      const langId = "client_info" in parsed.data && isObject(parsed.data.client_info) ? parsed.data.client_info.lang_id : undefined;
      const ev = messageEvent(m, key, langId);
      return ev ? events(ev) : ignored("service message");
    }
    case "message_reply": {
      // The outgoing message itself, not wrapped: from_id = −group_id, out = 1.
      const parsed = VkMessage.safeParse(object);
      if (!parsed.success) return unsupportedShape(type, parsed.error);
      const message = parsed.data;
      const source = echoSource(message);
      // Our own sends were stored under peer + random_id (vkOwnMessageKey); anything else under the chat key.
      const key = source === "us" ? vkOwnMessageKey(message.peer_id, message.random_id!) : messageKey(message);
      if (!key) return { ok: false, reason: "message_reply has neither conversation_message_id nor id" };
      return events({
        kind: "echo",
        chatId: String(message.peer_id),
        providerMessageId: key,
        text: typeof message.text === "string" ? message.text : "",
        attachments: attachmentsOf(message),
        sentAt: new Date(message.date * 1000),
        source,
      });
    }
    case "message_edit": {
      const parsed = VkMessage.safeParse(object);
      if (!parsed.success) return unsupportedShape(type, parsed.error);
      const message = parsed.data;
      const key = messageKey(message);
      if (!key) return ignored("edit without a message key");
      return events({
        kind: "message_edited",
        chatId: String(message.peer_id),
        providerMessageId: key,
        text: typeof message.text === "string" ? message.text : "",
        participantName: isChat(message.peer_id) ? senderHandle(message.from_id) : undefined,
        editedAt: new Date((isInt(message.update_time) ? message.update_time : message.date) * 1000),
      });
    }
    case "message_allow":
    case "message_deny":
    case "group_leave": {
      const parsed = VkUserEvent.safeParse(object);
      if (!parsed.success) return unsupportedShape(type, parsed.error);
      // These carry no timestamp; the time of processing is the closest we have.
      const chatId = String(parsed.data.user_id);
      const at = new Date();
      if (type === "message_allow") return events({ kind: "contact_unblocked_us", chatId, at });
      if (type === "message_deny") return events({ kind: "contact_blocked_us", chatId, at });
      return events({ kind: "contact_left", chatId, at });
    }
    default:
      return ignored(`event type ${type} is not handled`);
  }
}
