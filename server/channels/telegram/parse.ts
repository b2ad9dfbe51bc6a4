import { z } from "zod";
import type { Attachment } from "../../../db/schema";
import { catalog, defaultLocale, translator, type Locale, type Translate } from "../../i18n";
import { lenient, lenientString, lenientTime, optionalNullable, unsupportedShape } from "../lenient";
import { exceedsInboundLimit } from "../limits";
import type { NormalizedEvent, ParsedEvent } from "../types";

/*
 * Bot API shapes (core.telegram.org/bots/api), one schema per update kind the inbox handles. Objects are loose
 * (Telegram adds fields often). What the product needs — the chat, the message id, the sender's id, the text
 * and the media — is typed strictly, so an update without them is an "unsupported shape" naming the field
 * instead of a crash while it is processed. Everything else is read leniently (server/channels/lenient.ts):
 * `null` is absent (Telegram.Bot writes every optional field), a time that cannot be read is the time the
 * update was received, a wrong type in a name or a size drops that field, not the message.
 */
const id = z.number().int();
const text = optionalNullable(z.string());
const size = lenient(z.number().int().min(0));

const TgUser = z.looseObject({ id, first_name: lenientString, last_name: lenientString, username: lenientString, language_code: lenientString });
const TgChat = z
  .looseObject({ id, type: lenientString, title: lenientString, first_name: lenientString, last_name: lenientString, username: lenientString })
  // Telegram's own webhook guide shows a chat without `type`: the id says which kind it is.
  .transform((chat) => ({ ...chat, type: chat.type ?? chatTypeOf(chat.id) }));
const TgFile = z.looseObject({ file_id: z.string(), file_size: size, file_name: lenientString, mime_type: lenientString });
const TgPhotoSize = z.looseObject({ file_id: z.string(), file_size: size, width: size, height: size });
const TgLocation = z.looseObject({ latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180) });
const TgButton = z.looseObject({ text: z.string(), callback_data: lenientString });

const TgMessage = z.looseObject({
  message_id: id,
  date: lenientTime,
  edit_date: lenientTime,
  from: optionalNullable(TgUser),
  chat: TgChat,
  text,
  caption: text,
  photo: optionalNullable(z.array(TgPhotoSize)),
  document: optionalNullable(TgFile),
  video: optionalNullable(TgFile),
  animation: optionalNullable(TgFile),
  audio: optionalNullable(TgFile.extend({ title: lenientString, performer: lenientString })),
  voice: optionalNullable(TgFile),
  video_note: optionalNullable(TgFile),
  sticker: optionalNullable(z.looseObject({ file_id: z.string(), emoji: lenientString })),
  location: optionalNullable(TgLocation),
  venue: optionalNullable(z.looseObject({ location: TgLocation, title: z.string(), address: z.string() })),
  contact: optionalNullable(z.looseObject({ phone_number: z.string(), first_name: lenientString, last_name: lenientString })),
  poll: optionalNullable(z.looseObject({ question: z.string(), options: z.array(z.unknown()) })),
  dice: optionalNullable(z.looseObject({ emoji: z.string(), value: z.number().int() })),
  story: optionalNullable(z.looseObject({})),
  migrate_to_chat_id: optionalNullable(id),
  migrate_from_chat_id: optionalNullable(id),
  reply_markup: lenient(z.looseObject({ inline_keyboard: z.array(z.array(TgButton)).optional() })),
});
type TgMessage = z.infer<typeof TgMessage>;
type TgChat = z.infer<typeof TgChat>;
type TgUser = z.infer<typeof TgUser>;

const TgCallbackQuery = z.looseObject({ id: z.string(), from: TgUser, message: optionalNullable(TgMessage), data: lenientString });
const TgChatMemberUpdated = z.looseObject({ chat: TgChat, date: lenientTime, new_chat_member: z.looseObject({ status: z.string() }) });

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Negative ids are groups; -100… ids are supergroups and channels (both sent to as a group). */
function chatTypeOf(chatId: number): string {
  if (chatId > 0) return "private";
  return String(chatId).startsWith("-100") ? "supergroup" : "group";
}

const fullName = (u: { first_name?: string; last_name?: string } | undefined) =>
  [u?.first_name, u?.last_name].filter(Boolean).join(" ").trim();

function chatKind(chat: TgChat): "private" | "group" {
  return chat.type === "private" ? "private" : "group";
}

function contactName(chat: TgChat, from?: TgUser): string {
  if (chat.type === "private") return fullName(chat) || fullName(from) || chat.username || String(chat.id);
  return chat.title ?? String(chat.id);
}

const mapLink = (lat: number, long: number) => `https://www.openstreetmap.org/?mlat=${lat}&mlon=${long}#map=17/${lat}/${long}`;

/** A customer's file as a file the inbox copies within F7's inbound limit (20 MB), or says it is too large. */
function fileAttachment(f: z.infer<typeof TgFile>, fallbackName: string, fallbackMime?: string): Attachment {
  return {
    kind: "file",
    providerRef: f.file_id,
    name: f.file_name ?? fallbackName,
    mimeType: f.mime_type ?? fallbackMime,
    sizeBytes: f.file_size,
    ...(exceedsInboundLimit("file", f.file_size) ? { note: "too_large" as const } : {}),
  };
}

/** Content a message can carry instead of (or with) text; what is not shown as a file becomes a line. */
const UNSHOWN = ["game", "invoice", "paid_media", "giveaway", "giveaway_winners", "checklist"] as const;

function attachmentsOf(m: TgMessage, t: Translate): Attachment[] {
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
  // An animation also arrives as `document` (for old clients): one file, not two.
  if (m.animation) out.push(fileAttachment(m.animation, "animation.mp4", "video/mp4"));
  else if (m.document) out.push(fileAttachment(m.document, "file"));
  if (m.video) out.push(fileAttachment(m.video, "video.mp4", "video/mp4"));
  if (m.audio) {
    const titled = [m.audio.performer, m.audio.title].filter(Boolean).join(" – ");
    out.push(fileAttachment(m.audio, titled ? `${titled}.mp3` : "audio.mp3", "audio/mpeg"));
  }
  if (m.voice) out.push({ kind: "voice", providerRef: m.voice.file_id, mimeType: m.voice.mime_type, sizeBytes: m.voice.file_size, note: "unsupported" });
  if (m.video_note) out.push({ kind: "video", providerRef: m.video_note.file_id, sizeBytes: m.video_note.file_size, note: "unsupported" });
  if (m.sticker) out.push({ kind: "sticker", providerRef: m.sticker.file_id, name: m.sticker.emoji });
  // A venue also carries its location: one line, with the place's name.
  if (m.venue) {
    const { latitude, longitude } = m.venue.location;
    out.push({ kind: "location", name: t("ingest.venue", { title: m.venue.title, address: m.venue.address, link: mapLink(latitude, longitude) }), providerRef: `geo:${latitude},${longitude}` });
  } else if (m.location) {
    const { latitude, longitude } = m.location;
    out.push({ kind: "location", name: t("ingest.location", { link: mapLink(latitude, longitude) }), providerRef: `geo:${latitude},${longitude}` });
  }
  if (m.contact) out.push({ kind: "other", name: t("ingest.contact", { name: fullName(m.contact) || "—", phone: m.contact.phone_number }) });
  if (m.poll) out.push({ kind: "other", name: t("ingest.poll", { question: m.poll.question, count: m.poll.options.length }) });
  if (m.dice) out.push({ kind: "other", name: t("ingest.dice", { emoji: m.dice.emoji, value: m.dice.value }) });
  if (m.story) out.push({ kind: "other", name: t("ingest.story") });
  for (const what of UNSHOWN) if (m[what] != null) out.push({ kind: "other", name: t("ingest.unshown", { what }) });
  return out;
}

function messageEvent(m: TgMessage, t: Translate, receivedAt: Date): NormalizedEvent | undefined {
  // Both service messages of a group → supergroup upgrade carry the pair; whichever arrives first moves the contact.
  if (m.migrate_to_chat_id !== undefined) {
    return { kind: "chat_migrated", fromChatId: String(m.chat.id), toChatId: String(m.migrate_to_chat_id) };
  }
  if (m.migrate_from_chat_id !== undefined) {
    return { kind: "chat_migrated", fromChatId: String(m.migrate_from_chat_id), toChatId: String(m.chat.id) };
  }
  const body = m.text ?? m.caption ?? "";
  const attachments = attachmentsOf(m, t);
  if (!body && attachments.length === 0) return undefined; // service messages (members joined, titles…)
  const kind = chatKind(m.chat);
  return {
    kind: "message",
    chatId: String(m.chat.id),
    chatKind: kind,
    contactName: contactName(m.chat, m.from),
    username: kind === "private" ? (m.chat.username ?? m.from?.username) : undefined,
    participantName: kind === "group" ? fullName(m.from) || m.from?.username || undefined : undefined,
    text: body,
    attachments,
    providerMessageId: `${m.chat.id}:${m.message_id}`,
    sentAt: m.date ?? receivedAt,
    languageCode: m.from?.language_code,
  };
}

/**
 * Turns a Bot API Update (already verified and JSON-decoded) into neutral events. `locale` is the
 * language of the lines written for content the inbox cannot show as text or a file; `receivedAt` stands in
 * for a time the update does not give readably.
 */
export function parseTelegramUpdate(payload: unknown, botId: string, opts: { locale?: Locale; receivedAt?: Date } = {}): ParsedEvent {
  if (!isObject(payload) || typeof payload.update_id !== "number" || !Number.isInteger(payload.update_id)) {
    return { ok: false, reason: "an Update must be a JSON object with an integer update_id" };
  }
  // update_id is the dedupe key and the order: one beyond 2^53 is not a number this process can keep exactly.
  if (!Number.isSafeInteger(payload.update_id)) return { ok: false, reason: "unsupported shape: update_id is beyond 2^53" };
  const receivedAt = opts.receivedAt ?? new Date();
  const locale = opts.locale ?? defaultLocale;
  const t = translator(catalog(locale), locale);
  const dedupeKey = `${botId}:${payload.update_id}`;
  // Telegram.Bot writes every kind of an Update, all but one `null`.
  const type = Object.keys(payload).find((k) => k !== "update_id" && payload[k] != null) ?? "empty";

  if (type === "message" || type === "edited_message") {
    const parsed = TgMessage.safeParse(payload[type]);
    if (!parsed.success) return unsupportedShape(type, parsed.error, payload[type]);
    const m = parsed.data;
    if (type === "edited_message") {
      const ev = messageEvent(m, t, receivedAt);
      if (ev?.kind !== "message") return { ok: true, dedupeKey, eventType: type, events: [], ignoredReason: "edit without text" };
      return {
        ok: true,
        dedupeKey,
        eventType: type,
        events: [{ kind: "message_edited", chatId: ev.chatId, providerMessageId: ev.providerMessageId, text: ev.text, participantName: ev.participantName, editedAt: m.edit_date ?? m.date ?? receivedAt }],
      };
    }
    const ev = messageEvent(m, t, receivedAt);
    return ev ? { ok: true, dedupeKey, eventType: type, events: [ev] } : { ok: true, dedupeKey, eventType: type, events: [], ignoredReason: "service message" };
  }

  if (type === "callback_query") {
    const parsed = TgCallbackQuery.safeParse(payload.callback_query);
    if (!parsed.success) return unsupportedShape(type, parsed.error, payload.callback_query);
    const q = parsed.data;
    if (!q.message) return { ok: true, dedupeKey, eventType: type, events: [], ignoredReason: "callback without message" };
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
          // A button press carries no time of its own.
          sentAt: receivedAt,
        },
      ],
    };
  }

  if (type === "my_chat_member") {
    const parsed = TgChatMemberUpdated.safeParse(payload.my_chat_member);
    if (!parsed.success) return unsupportedShape(type, parsed.error, payload.my_chat_member);
    const u = parsed.data;
    const chatId = String(u.chat.id);
    const at = u.date ?? receivedAt;
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
