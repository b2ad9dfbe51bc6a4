import { z } from "zod";
import type { Attachment } from "../../../db/schema";
import { lenient, lenientInt, lenientString, lenientTime, optionalNullable, readInteger, unsupportedShape } from "../lenient";
import type { NormalizedEvent, ParsedEvent } from "../types";
import { vkOwnMessageKey } from "./random-id";

/** peer_id = 2000000000 + chat_id for group chats; below that a user (or −community) [messages.send doc]. */
export const VK_CHAT_PEER_OFFSET = 2_000_000_000;
const INT32_MAX = 0x7fffffff;

/*
 * Callback API shapes (dev.vk.com/api/community-events), one per event kind handled. Loose objects: VK adds
 * fields. The keys (peer_id, from_id, id, conversation_message_id), the text and the media are typed strictly,
 * so an event without them is an "unsupported shape" naming the field instead of a crash while it is
 * processed; the rest is read leniently (server/channels/lenient.ts): `null` is absent, numbers may come as
 * digits, a time that cannot be read is the time the event was received.
 */
const int = z.number().int();
const optString = optionalNullable(z.string());
const VkPhotoSize = z.looseObject({ type: lenientString, url: optString, width: lenientInt, height: lenientInt });
type VkPhotoSize = z.infer<typeof VkPhotoSize>;
const sizes = optionalNullable(z.array(VkPhotoSize));
const VkAttachment = z.looseObject({
  type: z.string(),
  photo: optionalNullable(z.looseObject({ id: lenientInt, owner_id: lenientInt, sizes })),
  doc: optionalNullable(z.looseObject({ id: lenientInt, owner_id: lenientInt, title: lenientString, size: lenient(int.min(0)), ext: lenientString, url: optString })),
  audio_message: optionalNullable(z.looseObject({ id: lenientInt, owner_id: lenientInt, link_ogg: optString, link_mp3: optString })),
  sticker: optionalNullable(z.looseObject({ sticker_id: lenientInt, images: sizes })),
  graffiti: optionalNullable(z.looseObject({ url: optString })),
  video: optionalNullable(z.looseObject({ id: lenientInt, owner_id: lenientInt, title: lenientString })),
  audio: optionalNullable(z.looseObject({ id: lenientInt, owner_id: lenientInt, title: lenientString })),
});
const VkMessage = z.looseObject({
  id: int,
  date: lenientTime,
  peer_id: int,
  from_id: int,
  text: optString,
  conversation_message_id: optionalNullable(int),
  attachments: optionalNullable(z.array(VkAttachment)),
  fwd_messages: lenient(z.array(z.unknown())),
  geo: optionalNullable(
    z.looseObject({
      coordinates: lenient(z.looseObject({ latitude: z.number(), longitude: z.number() })),
      place: lenient(z.looseObject({ title: lenientString })),
    }),
  ),
  random_id: lenientInt,
  admin_author_id: lenientInt,
  update_time: lenientTime,
});
type VkMessage = z.infer<typeof VkMessage>;
const VkClientInfo = lenient(z.looseObject({ lang_id: lenientInt }));
const VkMessageNew = z.union([z.looseObject({ message: VkMessage, client_info: VkClientInfo }), VkMessage]);
const VkUserEvent = z.looseObject({ user_id: int });

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

function messageEvent(m: VkMessage, key: string, receivedAt: Date, langId?: number): NormalizedEvent | undefined {
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
    sentAt: m.date ?? receivedAt,
    languageCode: langId !== undefined ? VK_LANGUAGES[langId] : undefined,
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

/**
 * Turns one Callback API notification (verified, JSON-decoded) of the community `groupId` into neutral events.
 * `receivedAt` stands in for a time the notification does not give readably.
 */
export function parseVkCallback(payload: unknown, groupId: string, opts: { receivedAt?: Date } = {}): ParsedEvent {
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
  const receivedAt = opts.receivedAt ?? new Date();
  const ignored = (reason: string): ParsedEvent => ({ ok: true, dedupeKey, eventType: type, events: [], ignoredReason: reason });
  const events = (...list: NormalizedEvent[]): ParsedEvent => ({ ok: true, dedupeKey, eventType: type, events: list });

  switch (type) {
    case "message_new": {
      // API ≥ 5.103 wraps the message as { message, client_info }; older versions send the bare message.
      const parsed = VkMessageNew.safeParse(object);
      if (!parsed.success) {
        const wrapped = isObject(object) && object.message !== undefined;
        return unsupportedShape(type, (wrapped ? z.looseObject({ message: VkMessage }) : VkMessage).safeParse(object).error ?? parsed.error, object);
      }
      const m = "message" in parsed.data && isObject(parsed.data.message) ? (parsed.data.message as VkMessage) : (parsed.data as VkMessage);
      const key = messageKey(m);
      if (!key) return { ok: false, reason: "message_new has neither conversation_message_id nor id" };
      const langId = "client_info" in parsed.data && isObject(parsed.data.client_info) ? parsed.data.client_info.lang_id : undefined;
      const ev = messageEvent(m, key, receivedAt, readInteger(langId));
      return ev ? events(ev) : ignored("service message");
    }
    case "message_reply": {
      // The outgoing message itself, not wrapped: from_id = −group_id, out = 1.
      const parsed = VkMessage.safeParse(object);
      if (!parsed.success) return unsupportedShape(type, parsed.error, object);
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
        sentAt: message.date ?? receivedAt,
        source,
      });
    }
    case "message_edit": {
      const parsed = VkMessage.safeParse(object);
      if (!parsed.success) return unsupportedShape(type, parsed.error, object);
      const message = parsed.data;
      const key = messageKey(message);
      if (!key) return ignored("edit without a message key");
      return events({
        kind: "message_edited",
        chatId: String(message.peer_id),
        providerMessageId: key,
        text: typeof message.text === "string" ? message.text : "",
        participantName: isChat(message.peer_id) ? senderHandle(message.from_id) : undefined,
        editedAt: message.update_time ?? message.date ?? receivedAt,
      });
    }
    case "message_allow":
    case "message_deny":
    case "group_leave": {
      const parsed = VkUserEvent.safeParse(object);
      if (!parsed.success) return unsupportedShape(type, parsed.error, object);
      // These carry no timestamp; the time the event was received is the closest we have.
      const chatId = String(parsed.data.user_id);
      const at = receivedAt;
      if (type === "message_allow") return events({ kind: "contact_unblocked_us", chatId, at });
      if (type === "message_deny") return events({ kind: "contact_blocked_us", chatId, at });
      return events({ kind: "contact_left", chatId, at });
    }
    default:
      return ignored(`event type ${type} is not handled`);
  }
}
