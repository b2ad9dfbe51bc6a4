import type { Attachment } from "../../../db/schema";
import type { NormalizedEvent, ParsedEvent } from "../types";
import { vkOwnMessageKey } from "./random-id";

/** peer_id = 2000000000 + chat_id for group chats; below that a user (or −community) [messages.send doc]. */
export const VK_CHAT_PEER_OFFSET = 2_000_000_000;
const INT32_MAX = 0x7fffffff;

type VkPhotoSize = { type?: string; url?: string; width?: number; height?: number };
type VkAttachment = {
  type: string;
  photo?: { id?: number; owner_id?: number; sizes?: VkPhotoSize[] };
  doc?: { id?: number; owner_id?: number; title?: string; size?: number; ext?: string; url?: string };
  audio_message?: { id?: number; owner_id?: number; link_ogg?: string; link_mp3?: string };
  sticker?: { sticker_id?: number; images?: VkPhotoSize[] };
  graffiti?: { url?: string };
  video?: { id?: number; owner_id?: number; title?: string };
  audio?: { id?: number; owner_id?: number; title?: string };
};
type VkMessage = {
  id: number;
  date: number;
  peer_id: number;
  from_id: number;
  text?: string;
  conversation_message_id?: number;
  attachments?: VkAttachment[];
  fwd_messages?: unknown[];
  geo?: { coordinates?: { latitude?: number; longitude?: number }; place?: { title?: string } };
  action?: { type?: string };
  random_id?: number;
  admin_author_id?: number;
  update_time?: number;
};

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
    if (!isObject(a) || typeof a.type !== "string") continue;
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

function isMessage(v: unknown): v is VkMessage {
  return isObject(v) && isInt(v.id) && isInt(v.date) && isInt(v.peer_id) && isInt(v.from_id);
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
      const m = isObject(object) && isObject(object.message) ? object.message : object;
      if (!isMessage(m)) return { ok: false, reason: "message_new is missing id, date, peer_id or from_id" };
      const key = messageKey(m);
      if (!key) return { ok: false, reason: "message_new has neither conversation_message_id nor id" };
      const langId = isObject(object) && isObject(object.client_info) ? object.client_info.lang_id : undefined;
      const ev = messageEvent(m, key, langId);
      return ev ? events(ev) : ignored("service message");
    }
    case "message_reply": {
      // The outgoing message itself, not wrapped: from_id = −group_id, out = 1.
      if (!isMessage(object)) return { ok: false, reason: "message_reply is missing id, date, peer_id or from_id" };
      const source = echoSource(object);
      // Our own sends were stored under peer + random_id (vkOwnMessageKey); anything else under the chat key.
      const key = source === "us" ? vkOwnMessageKey(object.peer_id, object.random_id!) : messageKey(object);
      if (!key) return { ok: false, reason: "message_reply has neither conversation_message_id nor id" };
      return events({
        kind: "echo",
        chatId: String(object.peer_id),
        providerMessageId: key,
        text: typeof object.text === "string" ? object.text : "",
        attachments: attachmentsOf(object),
        sentAt: new Date(object.date * 1000),
        source,
      });
    }
    case "message_edit": {
      if (!isMessage(object)) return { ok: false, reason: "message_edit is missing id, date, peer_id or from_id" };
      const key = messageKey(object);
      if (!key) return ignored("edit without a message key");
      return events({
        kind: "message_edited",
        chatId: String(object.peer_id),
        providerMessageId: key,
        text: typeof object.text === "string" ? object.text : "",
        participantName: isChat(object.peer_id) ? senderHandle(object.from_id) : undefined,
        editedAt: new Date((isInt(object.update_time) ? object.update_time : object.date) * 1000),
      });
    }
    case "message_allow":
    case "message_deny":
    case "group_leave": {
      if (!isObject(object) || !isInt(object.user_id)) return { ok: false, reason: `${type} is missing user_id` };
      // These carry no timestamp; the time of processing is the closest we have.
      const chatId = String(object.user_id);
      const at = new Date();
      if (type === "message_allow") return events({ kind: "contact_unblocked_us", chatId, at });
      if (type === "message_deny") return events({ kind: "contact_blocked_us", chatId, at });
      return events({ kind: "contact_left", chatId, at });
    }
    default:
      return ignored(`event type ${type} is not handled`);
  }
}
