import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseTelegramUpdate } from "./parse";

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../../e2e/fixtures/telegram/${name}`, import.meta.url), "utf8"));
const parse = (name: string) => {
  const parsed = parseTelegramUpdate(fixture(name), "7000000001");
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed;
};

describe("parseTelegramUpdate", () => {
  it("update_message_text.json: a private text message keyed by chat and message id", () => {
    const p = parse("update_message_text.json");
    expect(p.dedupeKey).toBe("7000000001:850000001");
    expect(p.events).toEqual([
      expect.objectContaining({ kind: "message", chatId: "123456789", chatKind: "private", contactName: "Ivan Petrov", username: "ivan_p", text: "Hello! Where is my order #4512?", providerMessageId: "123456789:101", languageCode: "ru" }),
    ]);
  });

  it("update_message_photo.json: the largest photo size with the caption", () => {
    const [ev] = parse("update_message_photo.json").events;
    expect(ev).toMatchObject({ kind: "message", attachments: [{ kind: "image", providerRef: "AgACAgIAAxkBAAIBZmFAKEphotoSize1280", mimeType: "image/jpeg" }] });
    expect(ev!.kind === "message" && ev.attachments[0]!.note).toBeUndefined();
  });

  it("update_message_document.json: document metadata and caption", () => {
    const [ev] = parse("update_message_document.json").events;
    expect(ev).toMatchObject({ kind: "message", text: "Invoice attached", attachments: [{ kind: "file", name: "invoice-4512.pdf", mimeType: "application/pdf", sizeBytes: 245760 }] });
  });

  it("marks attachments over the inbound limits (images 5 MB, files 20 MB) as too large", () => {
    const photo = fixture("update_message_photo.json") as { message: { photo: { file_size: number }[] } };
    photo.message.photo.at(-1)!.file_size = 5 * 1024 * 1024 + 1;
    const doc = fixture("update_message_document.json") as { message: { document: { file_size: number } } };
    doc.message.document.file_size = 20 * 1024 * 1024 + 1;
    for (const body of [photo, doc]) {
      const parsed = parseTelegramUpdate(body, "1");
      expect(parsed.ok && parsed.events[0]!.kind === "message" && parsed.events[0]!.attachments[0]!.note).toBe("too_large");
    }
  });

  it("update_message_voice.json: voice is recorded as unsupported", () => {
    const [ev] = parse("update_message_voice.json").events;
    expect(ev).toMatchObject({ kind: "message", attachments: [{ kind: "voice", note: "unsupported", mimeType: "audio/ogg" }] });
  });

  it("update_edited_message.json: an edit of the original message id", () => {
    const [ev] = parse("update_edited_message.json").events;
    expect(ev).toMatchObject({ kind: "message_edited", chatId: "123456789" });
    expect(ev!.kind === "message_edited" && ev.providerMessageId).toMatch(/^123456789:\d+$/);
  });

  it("update_callback_query.json: the pressed button's text becomes the customer's message", () => {
    const [ev] = parse("update_callback_query.json").events;
    expect(ev).toMatchObject({ kind: "message", chatId: "123456789", text: "Yes", providerMessageId: "callback:530000000012345678" });
  });

  it("update_my_chat_member_blocked.json and _unblocked.json: the customer blocked and unblocked the bot", () => {
    expect(parse("update_my_chat_member_blocked.json").events).toEqual([expect.objectContaining({ kind: "contact_blocked_us", chatId: "123456789" })]);
    expect(parse("update_my_chat_member_unblocked.json").events).toEqual([expect.objectContaining({ kind: "contact_unblocked_us", chatId: "123456789" })]);
  });

  it("update_my_chat_member_added_to_group.json: being added starts nothing until someone writes", () => {
    expect(parse("update_my_chat_member_added_to_group.json").events).toEqual([]);
  });

  it("ends a group contact when the bot is removed, so re-adding it starts a new contact", () => {
    const removed = fixture("update_my_chat_member_added_to_group.json") as { my_chat_member: { old_chat_member: { status: string }; new_chat_member: { status: string } } };
    removed.my_chat_member.old_chat_member.status = "member";
    removed.my_chat_member.new_chat_member.status = "left";
    const parsed = parseTelegramUpdate(removed, "1");
    expect(parsed.ok && parsed.events).toEqual([expect.objectContaining({ kind: "contact_ended", chatId: "-987654321" })]);
  });

  it("update_group_message.json: the group is the contact and the participant's name is kept", () => {
    const [ev] = parse("update_group_message.json").events;
    expect(ev).toMatchObject({ kind: "message", chatId: "-987654321", chatKind: "group", contactName: "Acme Customers (test)", participantName: "Olga" });
  });

  it("update_group_migrate_to_supergroup.json and update_supergroup_migrate_from_group.json: the contact follows the new chat id", () => {
    const expected = { kind: "chat_migrated", fromChatId: "-987654321", toChatId: "-1001987654321" };
    expect(parse("update_group_migrate_to_supergroup.json").events).toEqual([expected]);
    expect(parse("update_supergroup_migrate_from_group.json").events).toEqual([expected]);
  });

  it("refuses bodies that are not Updates, with a reason", () => {
    expect(parseTelegramUpdate([], "1")).toMatchObject({ ok: false });
    expect(parseTelegramUpdate({ update_id: 1.5 }, "1")).toMatchObject({ ok: false });
    expect(parseTelegramUpdate({ update_id: 1, message: { text: "no chat" } }, "1")).toMatchObject({ ok: false, reason: expect.stringContaining("chat") });
  });

  it("keeps unknown update types as ignored events", () => {
    expect(parseTelegramUpdate({ update_id: 9, poll: {} }, "1")).toMatchObject({ ok: true, events: [], ignoredReason: "update type poll is not handled" });
  });

  describe("signed updates with wrong inner types are an unsupported shape, never a crash", () => {
    const base = () => fixture("update_message_text.json") as { update_id: number; message: Record<string, unknown> };
    for (const [label, change] of [
      ["null where the chat belongs", (m: Record<string, unknown>) => (m.chat = null)],
      ["a non-array where photo sizes belong", (m: Record<string, unknown>) => (m.photo = "AgAC")],
      ["an object where the text belongs", (m: Record<string, unknown>) => (m.text = { bold: true })],
      ["a string where the sender belongs", (m: Record<string, unknown>) => (m.from = "ivan")],
    ] as const) {
      it(label, () => {
        const body = base();
        change(body.message);
        const parsed = parseTelegramUpdate(body, "1");
        expect(parsed).toMatchObject({ ok: false, reason: expect.stringMatching(/^unsupported shape: message\./) });
      });
    }
    it("in an edit, a button press and a membership change too", () => {
      expect(parseTelegramUpdate({ update_id: 1, edited_message: { message_id: 1, date: 1, chat: { type: "private" }, text: "x" } }, "1")).toMatchObject({ ok: false, reason: expect.stringContaining("edited_message.chat.id is missing") });
      expect(parseTelegramUpdate({ update_id: 1, callback_query: { id: 5, from: { id: 1 } } }, "1")).toMatchObject({ ok: false, reason: expect.stringContaining("callback_query.id") });
      expect(parseTelegramUpdate({ update_id: 1, my_chat_member: { chat: { id: 1, type: "private" }, from: { id: 1 }, date: 1, new_chat_member: null, old_chat_member: {} } }, "1")).toMatchObject({
        ok: false,
        reason: expect.stringContaining("my_chat_member.new_chat_member"),
      });
    });
  });

  describe("nothing a customer sends vanishes", () => {
    const message = (content: Record<string, unknown>) => ({ update_id: 5, message: { message_id: 7, date: 1_700_000_000, chat: { id: 42, type: "private", first_name: "Ivan" }, ...content } });
    const attachments = (content: Record<string, unknown>, locale?: "en" | "ru" | "uk") => {
      const parsed = parseTelegramUpdate(message(content), "1", { locale });
      if (!parsed.ok || parsed.events[0]?.kind !== "message") throw new Error(`no message: ${JSON.stringify(parsed)}`);
      return parsed.events[0].attachments;
    };

    it("video, audio and animations are files the inbox copies within F7's 20 MB, larger ones say so", () => {
      expect(attachments({ video: { file_id: "V1", file_size: 1000, mime_type: "video/mp4" } })).toEqual([{ kind: "file", providerRef: "V1", name: "video.mp4", mimeType: "video/mp4", sizeBytes: 1000 }]);
      expect(attachments({ audio: { file_id: "A1", performer: "Band", title: "Song" } })).toEqual([{ kind: "file", providerRef: "A1", name: "Band – Song.mp3", mimeType: "audio/mpeg" }]);
      expect(attachments({ video: { file_id: "V2", file_size: 20 * 1024 * 1024 + 1 } })[0]).toMatchObject({ note: "too_large" });
      // An animation also comes as a document: one file.
      expect(attachments({ animation: { file_id: "G1", file_name: "fun.mp4" }, document: { file_id: "G1", file_name: "fun.mp4" } })).toHaveLength(1);
    });

    it("a video note says it is not supported (F7)", () => {
      expect(attachments({ video_note: { file_id: "VN", length: 240, duration: 3 } })).toEqual([{ kind: "video", providerRef: "VN", note: "unsupported" }]);
    });

    it("a location and a venue are map links; a venue once, not twice", () => {
      const [loc] = attachments({ location: { latitude: 55.7558, longitude: 37.6173 } });
      expect(loc).toMatchObject({ kind: "location", providerRef: "geo:55.7558,37.6173" });
      expect(loc!.name).toBe("📍 Location: https://www.openstreetmap.org/?mlat=55.7558&mlon=37.6173#map=17/55.7558/37.6173");
      const venue = attachments({ location: { latitude: 1, longitude: 2 }, venue: { location: { latitude: 1, longitude: 2 }, title: "Cafe", address: "Main st 1" } });
      expect(venue).toHaveLength(1);
      expect(venue[0]!.name).toMatch(/^📍 Cafe, Main st 1: https:\/\/www\.openstreetmap\.org\//);
    });

    it("a contact card, a poll, a dice roll and a forwarded story each leave a line, in the company's language", () => {
      expect(attachments({ contact: { phone_number: "+79990001122", first_name: "Olga", last_name: "K" } })[0]).toEqual({ kind: "other", name: "👤 Contact card: Olga K, +79990001122" });
      expect(attachments({ poll: { id: "1", question: "Best day?", options: [{}, {}, {}, {}, {}] } }, "ru")[0]!.name).toBe("📊 Опрос «Best day?», 5 вариантов. Опросы здесь не показываются.");
      expect(attachments({ poll: { id: "1", question: "Q", options: [{}, {}] } }, "uk")[0]!.name).toBe("📊 Опитування «Q», 2 варіанти. Опитування тут не показуються.");
      expect(attachments({ dice: { emoji: "🎲", value: 4 } })[0]!.name).toBe("🎲 The customer rolled 4.");
      expect(attachments({ story: { chat: { id: 1, type: "private" }, id: 9 } })[0]!.name).toBe("The customer forwarded a story. Stories cannot be shown here.");
      expect(attachments({ game: { title: "G" } })[0]!.name).toBe("The customer sent a game that cannot be shown here.");
    });

    it("service messages (members joined) still make no message", () => {
      expect(parseTelegramUpdate(message({ new_chat_members: [{ id: 1 }] }), "1")).toMatchObject({ ok: true, events: [], ignoredReason: "service message" });
    });
  });

  describe("fields the product does not need are read leniently (issue 22)", () => {
    const RECEIVED = new Date("2026-03-01T12:00:00Z");
    const parseAt = (body: unknown) => parseTelegramUpdate(body, "1", { receivedAt: RECEIVED });
    const messageOf = (parsed: ReturnType<typeof parseTelegramUpdate>) => {
      if (!parsed.ok || parsed.events[0]?.kind !== "message") throw new Error(`no message: ${JSON.stringify(parsed)}`);
      return parsed.events[0];
    };

    it("Telegram.Bot's explicit nulls: a photo message with every absent field written as null still arrives", () => {
      // As Telegram.Bot (.NET) serializes an Update: every optional field present, `null` when absent.
      const body = {
        update_id: 850000050,
        message: {
          message_id: 150,
          from: { id: 123456789, is_bot: false, first_name: "Ivan", last_name: null, username: null, language_code: null, is_premium: null },
          sender_chat: null,
          date: 1767225600,
          chat: { id: 123456789, type: "private", title: null, username: null, first_name: "Ivan", last_name: null },
          forward_origin: null,
          reply_to_message: null,
          edit_date: null,
          text: null,
          entities: null,
          caption: "The box is damaged",
          photo: [
            { file_id: "small", file_unique_id: "s", file_size: 1200, width: 90, height: 67 },
            { file_id: "large", file_unique_id: "l", file_size: null, width: 1280, height: 960 },
          ],
          document: null,
          video: null,
          animation: null,
          audio: null,
          voice: null,
          video_note: null,
          sticker: null,
          location: null,
          venue: null,
          contact: null,
          poll: null,
          dice: null,
          story: null,
          game: null,
          invoice: null,
          migrate_to_chat_id: null,
          migrate_from_chat_id: null,
          reply_markup: null,
        },
        edited_message: null,
        callback_query: null,
        my_chat_member: null,
      };
      const parsed = parseAt(body);
      expect(parsed).toMatchObject({ ok: true, eventType: "message", dedupeKey: "1:850000050" });
      expect(messageOf(parsed)).toEqual({
        kind: "message",
        chatId: "123456789",
        chatKind: "private",
        contactName: "Ivan",
        username: undefined,
        participantName: undefined,
        text: "The box is damaged",
        attachments: [{ kind: "image", name: "photo.jpg", providerRef: "large", sizeBytes: undefined, mimeType: "image/jpeg" }],
        providerMessageId: "123456789:150",
        sentAt: new Date(1767225600 * 1000),
        languageCode: undefined,
      });
    });

    it("the null kinds of an Update do not hide its real one (a button press after `message: null`)", () => {
      const press = fixture("update_callback_query.json") as Record<string, unknown>;
      const parsed = parseAt({ update_id: press.update_id, message: null, edited_message: null, callback_query: press.callback_query });
      expect(parsed).toMatchObject({ ok: true, eventType: "callback_query", events: [{ kind: "message", text: "Yes", sentAt: RECEIVED }] });
    });

    it("a chat without `type` (Telegram's webhook guide): the kind comes from the id", () => {
      // The /start update from core.telegram.org/bots/webhooks, verbatim.
      const start = { update_id: 10000, message: { date: 1441645532, chat: { last_name: "Test Lastname", id: 1111111, first_name: "Test", username: "Test" }, message_id: 1365, from: { last_name: "Test Lastname", id: 1111111, first_name: "Test", username: "Test" }, text: "/start" } };
      expect(messageOf(parseAt(start))).toMatchObject({ chatId: "1111111", chatKind: "private", contactName: "Test Test Lastname", username: "Test", text: "/start", sentAt: new Date(1441645532 * 1000) });

      const inChat = (id: number) => messageOf(parseAt({ update_id: 1, message: { message_id: 2, date: 1441645532, chat: { id, title: "Team" }, from: { id: 5, first_name: "Olga" }, text: "hi" } }));
      expect(inChat(-987654321)).toMatchObject({ chatKind: "group", contactName: "Team", participantName: "Olga" });
      expect(inChat(-1001987654321)).toMatchObject({ chatKind: "group", contactName: "Team", participantName: "Olga" });

      const blocked = fixture("update_my_chat_member_blocked.json") as { my_chat_member: { chat: Record<string, unknown> } };
      delete blocked.my_chat_member.chat.type;
      expect(parseAt(blocked)).toMatchObject({ ok: true, events: [{ kind: "contact_blocked_us", chatId: "123456789" }] });
    });

    describe("message dates", () => {
      const dated = (date: unknown) => messageOf(parseAt({ update_id: 1, message: { message_id: 2, date, chat: { id: 42, type: "private" }, text: "hi" } })).sentAt;
      it("seconds, milliseconds, seconds as text and ISO 8601 text are all the same instant", () => {
        const at = new Date("2021-09-08T06:34:04Z");
        expect(dated(1631082844)).toEqual(at);
        expect(dated(1631082844000)).toEqual(at);
        expect(dated("1631082844")).toEqual(at);
        expect(dated("2021-09-08T06:34:04+0000")).toEqual(at);
        expect(dated("2021-09-08T09:34:04+03:00")).toEqual(at);
        expect(dated("2021-09-08T06:34:04Z")).toEqual(at);
      });
      it("an absent, null, unreadable or impossible date is the time the update was received", () => {
        for (const date of [undefined, null, "yesterday", 1e20, -5, 0, "2021-02-30T00:00:00Z", { s: 1 }, true]) expect(dated(date)).toEqual(RECEIVED);
      });
      it("an edit's and a membership change's time too", () => {
        const edit = parseAt({ update_id: 1, edited_message: { message_id: 2, date: "1631082844", edit_date: "not a date", chat: { id: 42, type: "private" }, text: "fixed" } });
        expect(edit).toMatchObject({ ok: true, events: [{ kind: "message_edited", editedAt: new Date("2021-09-08T06:34:04Z") }] });
        const blocked = fixture("update_my_chat_member_blocked.json") as { my_chat_member: Record<string, unknown> };
        blocked.my_chat_member.date = null;
        expect(parseAt(blocked)).toMatchObject({ ok: true, events: [{ kind: "contact_blocked_us", at: RECEIVED }] });
      });
    });

    it("a wrong type in a name, a size or a language drops that field, not the message", () => {
      const ev = messageOf(parseAt({ update_id: 1, message: { message_id: 2, date: 1, chat: { id: 42, type: 7, first_name: { x: 1 } }, from: { id: 42, first_name: "Ivan", language_code: 5 }, document: { file_id: "D", file_size: "big", file_name: 3 } } }));
      expect(ev).toMatchObject({ chatKind: "private", contactName: "Ivan", languageCode: undefined, attachments: [{ kind: "file", providerRef: "D", name: "file", sizeBytes: undefined }] });
    });

    it("a needed field missing or unusable: refused, and the reason names the field", () => {
      const refused = (message: Record<string, unknown>) => parseAt({ update_id: 1, message });
      expect(refused({ message_id: 2, date: 1, chat: { type: "private" }, text: "hi" })).toEqual({ ok: false, reason: "unsupported shape: message.chat.id is missing" });
      expect(refused({ message_id: 2, date: 1, chat: null, text: "hi" })).toEqual({ ok: false, reason: "unsupported shape: message.chat is missing" });
      expect(refused({ date: 1, chat: { id: 42 }, text: "hi" })).toEqual({ ok: false, reason: "unsupported shape: message.message_id is missing" });
      expect(refused({ message_id: 2, chat: { id: 42 }, from: { first_name: "Ivan" }, text: "hi" })).toEqual({ ok: false, reason: "unsupported shape: message.from.id is missing" });
      expect(refused({ message_id: 2, chat: { id: 42 }, photo: [{ width: 90 }] })).toEqual({ ok: false, reason: "unsupported shape: message.photo.0.file_id is missing" });
      expect(refused({ message_id: 2, chat: { id: "42" }, text: "hi" })).toMatchObject({ ok: false, reason: expect.stringMatching(/^unsupported shape: message\.chat\.id: /) });
      expect(parseAt({ update_id: 1, message: null })).toEqual({ ok: true, dedupeKey: "1:1", eventType: "empty", events: [], ignoredReason: "update type empty is not handled" });
    });

    it("an update_id beyond 2^53 cannot be a key: refused with the reason", () => {
      expect(parseAt({ update_id: 1e30, message: { message_id: 2, date: 1, chat: { id: 42 }, text: "hi" } })).toEqual({ ok: false, reason: "unsupported shape: update_id is beyond 2^53" });
    });
  });
});
