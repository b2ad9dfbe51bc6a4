import type { Attachment } from "../../../db/schema";
import { exceedsInboundLimit } from "../limits";
import type { NormalizedEvent, ParsedEvent } from "../types";

type TgUser = { id: number; is_bot?: boolean; first_name?: string; last_name?: string; username?: string; language_code?: string };
type TgChat = { id: number; type: "private" | "group" | "supergroup" | "channel"; title?: string; first_name?: string; last_name?: string; username?: string };
type TgSize = { file_id: string; file_size?: number; width?: number; height?: number };
type TgMessage = {
  message_id: number;
  date: number;
  edit_date?: number;
  from?: TgUser;
  chat: TgChat;
  text?: string;
  caption?: string;
  photo?: TgSize[];
  document?: { file_id: string; file_name?: string; mime_type?: string; file_size?: number };
  voice?: { file_id: string; mime_type?: string; file_size?: number; duration?: number };
  video_note?: { file_id: string; file_size?: number };
  sticker?: { file_id: string; emoji?: string };
  migrate_to_chat_id?: number;
  migrate_from_chat_id?: number;
  reply_markup?: { inline_keyboard?: { text: string; callback_data?: string }[][] };
};
type TgChatMemberUpdated = { chat: TgChat; from: TgUser; date: number; new_chat_member: { status: string }; old_chat_member: { status: string } };
type TgUpdate = {
  update_id: number;
  message?: TgMessage;
  edited_message?: TgMessage;
  callback_query?: { id: string; from: TgUser; message?: TgMessage; data?: string };
  my_chat_member?: TgChatMemberUpdated;
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

const fullName = (u: { first_name?: string; last_name?: string } | undefined) =>
  [u?.first_name, u?.last_name].filter(Boolean).join(" ").trim();

function chatKind(chat: TgChat): "private" | "group" {
  return chat.type === "private" ? "private" : "group";
}

function contactName(chat: TgChat, from?: TgUser): string {
  if (chat.type === "private") return fullName(chat) || fullName(from) || chat.username || String(chat.id);
  return chat.title ?? String(chat.id);
}

function attachmentsOf(m: TgMessage): Attachment[] {
  const out: Attachment[] = [];
  if (m.photo?.length) {
    // The largest size is the last one in practice; pick by area so the order does not matter.
    const largest = [...m.photo].sort((a, b) => (b.width ?? 0) * (b.height ?? 0) - (a.width ?? 0) * (a.height ?? 0))[0]!;
    out.push({
      kind: "image",
      // Telegram photos have no file name; this one is what operators see and download.
      name: "photo.jpg",
      providerRef: largest.file_id,
      sizeBytes: largest.file_size,
      mimeType: "image/jpeg",
      ...(exceedsInboundLimit("image", largest.file_size) ? { note: "too_large" as const } : {}),
    });
  }
  if (m.document) {
    const d = m.document;
    out.push({
      kind: "file",
      providerRef: d.file_id,
      name: d.file_name,
      mimeType: d.mime_type,
      sizeBytes: d.file_size,
      ...(exceedsInboundLimit("file", d.file_size) ? { note: "too_large" as const } : {}),
    });
  }
  if (m.voice) out.push({ kind: "voice", providerRef: m.voice.file_id, mimeType: m.voice.mime_type, sizeBytes: m.voice.file_size, note: "unsupported" });
  if (m.video_note) out.push({ kind: "video", providerRef: m.video_note.file_id, sizeBytes: m.video_note.file_size, note: "unsupported" });
  if (m.sticker) out.push({ kind: "sticker", providerRef: m.sticker.file_id, name: m.sticker.emoji });
  return out;
}

function messageEvent(m: TgMessage): NormalizedEvent | undefined {
  // Both service messages of a group → supergroup upgrade carry the pair; whichever arrives first moves the contact.
  if (m.migrate_to_chat_id !== undefined) {
    return { kind: "chat_migrated", fromChatId: String(m.chat.id), toChatId: String(m.migrate_to_chat_id) };
  }
  if (m.migrate_from_chat_id !== undefined) {
    return { kind: "chat_migrated", fromChatId: String(m.migrate_from_chat_id), toChatId: String(m.chat.id) };
  }
  const text = m.text ?? m.caption ?? "";
  const attachments = attachmentsOf(m);
  if (!text && attachments.length === 0) return undefined; // service messages (members joined, titles…)
  const kind = chatKind(m.chat);
  return {
    kind: "message",
    chatId: String(m.chat.id),
    chatKind: kind,
    contactName: contactName(m.chat, m.from),
    username: kind === "private" ? (m.chat.username ?? m.from?.username) : undefined,
    participantName: kind === "group" ? fullName(m.from) || m.from?.username || undefined : undefined,
    text,
    attachments,
    providerMessageId: `${m.chat.id}:${m.message_id}`,
    sentAt: new Date(m.date * 1000),
    languageCode: m.from?.language_code,
  };
}

function isMessage(v: unknown): v is TgMessage {
  return isObject(v) && typeof v.message_id === "number" && isObject(v.chat) && typeof v.chat.id === "number" && typeof v.date === "number";
}

/** Turns a Bot API Update (already verified and JSON-decoded) into neutral events. */
export function parseTelegramUpdate(payload: unknown, botId: string): ParsedEvent {
  if (!isObject(payload) || typeof payload.update_id !== "number" || !Number.isInteger(payload.update_id)) {
    return { ok: false, reason: "an Update must be a JSON object with an integer update_id" };
  }
  const update = payload as TgUpdate;
  const dedupeKey = `${botId}:${update.update_id}`;
  const type = Object.keys(update).find((k) => k !== "update_id") ?? "empty";

  if (type === "message" || type === "edited_message") {
    const m = update[type];
    if (!isMessage(m)) return { ok: false, reason: `${type} is missing message_id, chat.id or date` };
    if (type === "edited_message") {
      const ev = messageEvent(m);
      if (ev?.kind !== "message") return { ok: true, dedupeKey, eventType: type, events: [], ignoredReason: "edit without text" };
      return {
        ok: true,
        dedupeKey,
        eventType: type,
        events: [{ kind: "message_edited", chatId: ev.chatId, providerMessageId: ev.providerMessageId, text: ev.text, participantName: ev.participantName, editedAt: new Date((m.edit_date ?? m.date) * 1000) }],
      };
    }
    const ev = messageEvent(m);
    return ev ? { ok: true, dedupeKey, eventType: type, events: [ev] } : { ok: true, dedupeKey, eventType: type, events: [], ignoredReason: "service message" };
  }

  if (type === "callback_query") {
    const q = update.callback_query;
    if (!q || !isMessage(q.message)) return { ok: true, dedupeKey, eventType: type, events: [], ignoredReason: "callback without message" };
    const button = q.message.reply_markup?.inline_keyboard?.flat().find((b) => b.callback_data === q.data);
    const kind = chatKind(q.message.chat);
    return {
      ok: true,
      dedupeKey,
      eventType: type,
      events: [
        {
          kind: "message",
          chatId: String(q.message.chat.id),
          chatKind: kind,
          contactName: contactName(q.message.chat, q.from),
          username: q.from.username,
          participantName: kind === "group" ? fullName(q.from) || undefined : undefined,
          text: button?.text ?? q.data ?? "",
          attachments: [],
          providerMessageId: `callback:${q.id}`,
          sentAt: new Date(),
        },
      ],
    };
  }

  if (type === "my_chat_member") {
    const u = update.my_chat_member;
    if (!u || !isObject(u.chat) || !isObject(u.new_chat_member)) return { ok: false, reason: "my_chat_member is missing chat or new_chat_member" };
    const chatId = String(u.chat.id);
    const at = new Date(u.date * 1000);
    const status = u.new_chat_member.status;
    const gone = status === "kicked" || status === "left";
    if (u.chat.type === "private") {
      return { ok: true, dedupeKey, eventType: type, events: [gone ? { kind: "contact_blocked_us", chatId, at } : { kind: "contact_unblocked_us", chatId, at }] };
    }
    // Removed from a group: the contact ends; being added again later starts a new contact (seed 001).
    return { ok: true, dedupeKey, eventType: type, events: gone ? [{ kind: "contact_ended", chatId, at }] : [] };
  }

  return { ok: true, dedupeKey, eventType: type, events: [], ignoredReason: `update type ${type} is not handled` };
}
