import { z } from "zod";
import type { Attachment } from "../../../db/schema";
import { catalog, defaultLocale, translator, type Locale, type Translate } from "../../i18n";
import { exceedsInboundLimit } from "../limits";
import type { NormalizedEvent, ParsedEvent } from "../types";

/*
 * Bot API shapes (core.telegram.org/bots/api), one schema per update kind the inbox handles. Objects are
 * loose (Telegram adds fields often); the fields we read are typed, so a signed update with a wrong inner
 * type is an "unsupported shape" on that event instead of a crash while it is processed.
 */
const id = z.number().int();
/** Unix seconds up to the year 2286: a date of 1e20 is not a date. */
const unixTime = z.number().int().min(0).max(1e10);
const size = z.number().int().min(0).optional();
const text = z.string().optional();

const TgUser = z.looseObject({ id, is_bot: z.boolean().optional(), first_name: text, last_name: text, username: text, language_code: text });
const TgChat = z.looseObject({ id, type: z.string(), title: text, first_name: text, last_name: text, username: text });
const TgFile = z.looseObject({ file_id: z.string(), file_size: size, file_name: text, mime_type: text });
const TgPhotoSize = z.looseObject({ file_id: z.string(), file_size: size, width: size, height: size });
const TgLocation = z.looseObject({ latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180) });
const TgButton = z.looseObject({ text: z.string(), callback_data: text });

const TgMessage = z.looseObject({
  message_id: id,
  date: unixTime,
  edit_date: unixTime.optional(),
  from: TgUser.optional(),
  chat: TgChat,
  text,
  caption: text,
  photo: z.array(TgPhotoSize).optional(),
  document: TgFile.optional(),
  video: TgFile.optional(),
  animation: TgFile.optional(),
  audio: TgFile.extend({ title: text, performer: text }).optional(),
  voice: TgFile.optional(),
  video_note: TgFile.optional(),
  sticker: z.looseObject({ file_id: z.string(), emoji: text }).optional(),
  location: TgLocation.optional(),
  venue: z.looseObject({ location: TgLocation, title: z.string(), address: z.string() }).optional(),
  contact: z.looseObject({ phone_number: z.string(), first_name: z.string(), last_name: text }).optional(),
  poll: z.looseObject({ question: z.string(), options: z.array(z.unknown()) }).optional(),
  dice: z.looseObject({ emoji: z.string(), value: z.number().int() }).optional(),
  story: z.looseObject({}).optional(),
  migrate_to_chat_id: id.optional(),
  migrate_from_chat_id: id.optional(),
  reply_markup: z.looseObject({ inline_keyboard: z.array(z.array(TgButton)).optional() }).optional(),
});
type TgMessage = z.infer<typeof TgMessage>;
type TgChat = z.infer<typeof TgChat>;
type TgUser = z.infer<typeof TgUser>;

const TgCallbackQuery = z.looseObject({ id: z.string(), from: TgUser, message: TgMessage.optional(), data: text });
const TgChatMemberUpdated = z.looseObject({ chat: TgChat, from: TgUser, date: unixTime, new_chat_member: z.looseObject({ status: z.string() }), old_chat_member: z.looseObject({ status: z.string() }) });

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** "unsupported shape: message.date: Too big…": where the event broke the schema, never its content. */
export function unsupportedShape(kind: string, error: z.ZodError): { ok: false; reason: string } {
  const issues = error.issues.slice(0, 3).map((issue) => `${[kind, ...issue.path.map(String)].join(".").slice(0, 120)}: ${issue.message.slice(0, 120)}`);
  return { ok: false, reason: `unsupported shape: ${issues.join("; ")}` };
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
  for (const what of UNSHOWN) if (m[what] !== undefined) out.push({ kind: "other", name: t("ingest.unshown", { what }) });
  return out;
}

function messageEvent(m: TgMessage, t: Translate): NormalizedEvent | undefined {
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
    sentAt: new Date(m.date * 1000),
    languageCode: m.from?.language_code,
  };
}

/**
 * Turns a Bot API Update (already verified and JSON-decoded) into neutral events. `locale` is the
 * language of the lines written for content the inbox cannot show as text or a file.
 */
export function parseTelegramUpdate(payload: unknown, botId: string, opts: { locale?: Locale } = {}): ParsedEvent {
  if (!isObject(payload) || typeof payload.update_id !== "number" || !Number.isInteger(payload.update_id)) {
    return { ok: false, reason: "an Update must be a JSON object with an integer update_id" };
  }
  const locale = opts.locale ?? defaultLocale;
  const t = translator(catalog(locale), locale);
  const dedupeKey = `${botId}:${payload.update_id}`;
  const type = Object.keys(payload).find((k) => k !== "update_id") ?? "empty";

  if (type === "message" || type === "edited_message") {
    const parsed = TgMessage.safeParse(payload[type]);
    if (!parsed.success) return unsupportedShape(type, parsed.error);
    const m = parsed.data;
    if (type === "edited_message") {
      const ev = messageEvent(m, t);
      if (ev?.kind !== "message") return { ok: true, dedupeKey, eventType: type, events: [], ignoredReason: "edit without text" };
      return {
        ok: true,
        dedupeKey,
        eventType: type,
        events: [{ kind: "message_edited", chatId: ev.chatId, providerMessageId: ev.providerMessageId, text: ev.text, participantName: ev.participantName, editedAt: new Date((m.edit_date ?? m.date) * 1000) }],
      };
    }
    const ev = messageEvent(m, t);
    return ev ? { ok: true, dedupeKey, eventType: type, events: [ev] } : { ok: true, dedupeKey, eventType: type, events: [], ignoredReason: "service message" };
  }

  if (type === "callback_query") {
    const parsed = TgCallbackQuery.safeParse(payload.callback_query);
    if (!parsed.success) return unsupportedShape(type, parsed.error);
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
          sentAt: new Date(),
        },
      ],
    };
  }

  if (type === "my_chat_member") {
    const parsed = TgChatMemberUpdated.safeParse(payload.my_chat_member);
    if (!parsed.success) return unsupportedShape(type, parsed.error);
    const u = parsed.data;
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
