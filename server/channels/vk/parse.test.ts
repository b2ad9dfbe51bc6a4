import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { NormalizedEvent, ParsedEvent } from "../types";
import { vkAdapter } from "./adapter";
import { parseVkCallback } from "./parse";
import { vkRandomId } from "./random-id";

const GROUP = "229876543";
const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../../e2e/fixtures/vk/${name}`, import.meta.url), "utf8")) as Record<string, unknown>;
const parse = (payload: unknown) => parseVkCallback(payload, GROUP);

function eventsOf(result: ParsedEvent): NormalizedEvent[] {
  if (!result.ok) throw new Error(`expected ok, got: ${result.reason}`);
  return result.events;
}
const only = (result: ParsedEvent) => {
  const events = eventsOf(result);
  expect(events).toHaveLength(1);
  return events[0]!;
};
/** The message of a message_new fixture, to build variants of it. */
const messageOf = (name: string) => (fixture(name).object as { message: Record<string, unknown> }).message;

describe("parseVkCallback on the Callback API fixtures", () => {
  it("callback_confirmation.json: acknowledged, no events (the webhook answers it, nothing is stored)", () => {
    const result = parse(fixture("callback_confirmation.json"));
    expect(result).toMatchObject({ ok: true, eventType: "confirmation", events: [] });
  });

  it("callback_message_new_text.json: a private message keyed by peer_id + conversation_message_id", () => {
    const result = parse(fixture("callback_message_new_text.json"));
    expect(result).toMatchObject({ ok: true, dedupeKey: `${GROUP}:5f0e1c2a3b4d5e6f708192a3b4c5d6e7f8091a2b`, eventType: "message_new" });
    expect(only(result)).toEqual({
      kind: "message",
      chatId: "111222333",
      chatKind: "private",
      contactName: "id111222333",
      participantName: undefined,
      text: "Здравствуйте! Где мой заказ №4512?",
      attachments: [],
      providerMessageId: "111222333:731",
      sentAt: new Date(1767225600 * 1000),
      languageCode: "ru",
    });
  });

  it("callback_message_new_photo.json: the photo's largest size becomes the attachment", () => {
    const ev = only(parse(fixture("callback_message_new_photo.json")));
    expect(ev).toMatchObject({ kind: "message", text: "Упаковка повреждена", providerMessageId: "111222333:732" });
    if (ev.kind !== "message") throw new Error("not a message");
    expect(ev.attachments).toEqual([
      { kind: "image", mimeType: "image/jpeg", name: "photo111222333_457239017", providerRef: "https://sun9-1.userapi.com/impg/FAKE-PATH/example.jpg?size=960x1280&type=album" },
    ]);
  });

  it("callback_message_new_chat.json: id 0 in a group chat, keyed by peer_id + conversation_message_id", () => {
    const ev = only(parse(fixture("callback_message_new_chat.json")));
    expect(ev).toMatchObject({
      kind: "message",
      chatId: "2000000001",
      chatKind: "group",
      contactName: "VK chat 1",
      participantName: "id444555666",
      providerMessageId: "2000000001:58",
      text: "[club229876543|@acme] магазин работает в воскресенье?",
    });
  });

  it("callback_message_reply.json: an admin's answer from VK's inbox is an echo from provider_inbox", () => {
    const result = parse(fixture("callback_message_reply.json"));
    expect(result).toMatchObject({ ok: true, eventType: "message_reply" });
    expect(only(result)).toEqual({
      kind: "echo",
      chatId: "111222333",
      providerMessageId: "111222333:733",
      text: "Ваш заказ №4512 будет отправлен завтра.",
      attachments: [],
      sentAt: new Date(1767225780 * 1000),
      source: "provider_inbox",
    });
  });

  it("callback_message_reply.json without admin_author_id and with our random_id: our own send, keyed like the send", () => {
    const body = fixture("callback_message_reply.json");
    const object: Record<string, unknown> = { ...(body.object as Record<string, unknown>), random_id: vkRandomId("6f1d2c9e-3b7a-4c55-9e0f-1a2b3c4d5e6f") };
    delete object.admin_author_id;
    expect(only(parse({ ...body, object }))).toMatchObject({ kind: "echo", source: "us", providerMessageId: "111222333:r853411815" });
  });

  it("callback_message_reply.json without admin_author_id and with random_id 0 or a 64-bit one: another app", () => {
    const body = fixture("callback_message_reply.json");
    for (const randomId of [0, 1767225780123]) {
      const object: Record<string, unknown> = { ...(body.object as Record<string, unknown>), random_id: randomId };
      delete object.admin_author_id;
      expect(only(parse({ ...body, object }))).toMatchObject({ kind: "echo", source: "other_app", providerMessageId: "111222333:733" });
    }
  });

  it("callback_message_allow.json → contact_unblocked_us", () => {
    expect(only(parse(fixture("callback_message_allow.json")))).toMatchObject({ kind: "contact_unblocked_us", chatId: "111222333" });
  });

  it("callback_message_deny.json → contact_blocked_us", () => {
    expect(only(parse(fixture("callback_message_deny.json")))).toMatchObject({ kind: "contact_blocked_us", chatId: "111222333" });
  });

  it("callback_group_leave.json → contact_left", () => {
    const ev = only(parse(fixture("callback_group_leave.json")));
    expect(ev).toMatchObject({ kind: "contact_left", chatId: "111222333" });
    if (ev.kind !== "contact_left") throw new Error("not contact_left");
    expect(ev.at).toBeInstanceOf(Date);
  });

  it("callback_message_new_wrong_secret.json parses like any message: the secret is the webhook's check, before storage", () => {
    expect(only(parse(fixture("callback_message_new_wrong_secret.json")))).toMatchObject({ kind: "message", providerMessageId: "111222333:734" });
  });
});

describe("parseVkCallback on other shapes", () => {
  it("reads a bare message_new object (Callback servers pinned below API 5.103)", () => {
    const body = fixture("callback_message_new_text.json");
    expect(only(parse({ ...body, v: "5.101", object: messageOf("callback_message_new_text.json") }))).toMatchObject({ kind: "message", providerMessageId: "111222333:731" });
  });

  it("turns a doc into file metadata and a voice message into an unsupported voice attachment", () => {
    const body = fixture("callback_message_new_text.json");
    const message = {
      ...messageOf("callback_message_new_text.json"),
      text: "",
      attachments: [
        { type: "doc", doc: { id: 1, owner_id: 111222333, title: "invoice.pdf", size: 48213, ext: "pdf", url: "https://vk.com/doc111222333_1?hash=x" } },
        { type: "audio_message", audio_message: { id: 2, owner_id: 111222333, duration: 3, link_ogg: "https://psv4.userapi.com/x.ogg", link_mp3: "https://psv4.userapi.com/x.mp3" } },
        { type: "link", link: { url: "https://example.com" } },
      ],
    };
    const ev = only(parse({ ...body, object: { message } }));
    if (ev.kind !== "message") throw new Error("not a message");
    expect(ev.attachments).toEqual([
      { kind: "file", name: "invoice.pdf", sizeBytes: 48213, providerRef: "https://vk.com/doc111222333_1?hash=x" },
      { kind: "voice", providerRef: "https://psv4.userapi.com/x.ogg", mimeType: "audio/ogg", note: "unsupported" },
      { kind: "other", name: "link" },
    ]);
  });

  it("ignores chat service actions without text", () => {
    const body = fixture("callback_message_new_chat.json");
    const message = { ...messageOf("callback_message_new_chat.json"), text: "", action: { type: "chat_invite_user", member_id: 1 } };
    expect(parse({ ...body, object: { message } })).toMatchObject({ ok: true, events: [], ignoredReason: "service message" });
  });

  it("maps message_edit to an edit of the same key", () => {
    const body = fixture("callback_message_reply.json");
    const edited = { ...messageOf("callback_message_new_text.json"), text: "Где мой заказ №4513?", update_time: 1767225700 };
    expect(only(parse({ ...body, type: "message_edit", object: edited }))).toEqual({
      kind: "message_edited",
      chatId: "111222333",
      providerMessageId: "111222333:731",
      text: "Где мой заказ №4513?",
      participantName: undefined,
      editedAt: new Date(1767225700 * 1000),
    });
  });

  it("stores and ignores event types the product does not handle", () => {
    const body = fixture("callback_message_allow.json");
    expect(parse({ ...body, type: "message_typing_state", object: { state: "typing", from_id: 1, to_id: -229876543 } })).toMatchObject({
      ok: true,
      eventType: "message_typing_state",
      events: [],
    });
  });

  it("refuses another community's event, a missing event_id and a message without keys", () => {
    const body = fixture("callback_message_new_text.json");
    expect(parse({ ...body, group_id: 1 })).toMatchObject({ ok: false });
    expect(parse({ ...body, event_id: undefined })).toMatchObject({ ok: false });
    expect(parse({ ...body, object: { message: { text: "hi" } } })).toMatchObject({ ok: false });
    expect(parse([])).toMatchObject({ ok: false });
  });

  it("is what vkAdapter(channel).parseEvent runs for the channel's community", () => {
    const adapter = vkAdapter({ externalId: GROUP });
    expect(adapter.provider).toBe("vk");
    expect(adapter.parseEvent(fixture("callback_message_new_text.json"))).toEqual(parse(fixture("callback_message_new_text.json")));
    expect(vkAdapter({ externalId: "1" }).parseEvent(fixture("callback_message_new_text.json"))).toMatchObject({ ok: false });
  });
});

describe("VK events of a shape the product does not know", () => {
  const withMessage = (patch: Record<string, unknown>) => ({ ...fixture("callback_message_new_text.json"), object: { message: { ...messageOf("callback_message_new_text.json"), ...patch }, client_info: {} } });
  for (const [label, patch] of [
    ["a non-array where attachments belong", { attachments: { type: "photo" } }],
    ["an object where the text belongs", { text: { value: "hi" } }],
    ["a string where photo sizes belong", { attachments: [{ type: "photo", photo: { sizes: "big" } }] }],
  ] as const) {
    it(`message_new with ${label}: an unsupported shape with the path, never a crash`, () => {
      expect(parse(withMessage(patch))).toMatchObject({ ok: false, reason: expect.stringMatching(/^unsupported shape: message_new\./) });
    });
  }

  it("message_reply, message_edit and user events too", () => {
    const reply = fixture("callback_message_reply.json");
    expect(parse({ ...reply, object: { ...(reply.object as object), peer_id: "5" } })).toMatchObject({ ok: false, reason: expect.stringContaining("message_reply.peer_id") });
    expect(parse({ ...reply, type: "message_edit", object: { ...(reply.object as object), from_id: undefined } })).toMatchObject({ ok: false, reason: expect.stringContaining("message_edit.from_id is missing") });
    expect(parse({ ...fixture("callback_message_allow.json"), object: null })).toMatchObject({ ok: false, reason: expect.stringMatching(/^unsupported shape: message_allow/) });
  });
});

describe("fields the product does not need are read leniently (issue 22)", () => {
  const RECEIVED = new Date("2026-03-01T12:00:00Z");
  const parseAt = (payload: unknown) => parseVkCallback(payload, GROUP, { receivedAt: RECEIVED });
  const withMessage = (patch: Record<string, unknown>, clientInfo: unknown = { lang_id: 0 }) => ({
    ...fixture("callback_message_new_text.json"),
    object: { message: { ...messageOf("callback_message_new_text.json"), ...patch }, client_info: clientInfo },
  });

  it("explicit nulls are absent: a message with null geo, attachments, forwards, keyboard and client_info still arrives", () => {
    const ev = only(parseAt(withMessage({ geo: null, attachments: null, fwd_messages: null, action: null, payload: null, reply_message: null, keyboard: null, admin_author_id: null, random_id: null, update_time: null }, null)));
    expect(ev).toMatchObject({ kind: "message", chatId: "111222333", text: "Здравствуйте! Где мой заказ №4512?", attachments: [], providerMessageId: "111222333:731", sentAt: new Date(1767225600 * 1000), languageCode: undefined });
  });

  it("a message_reply with null ids of its author is still an echo", () => {
    const reply = fixture("callback_message_reply.json");
    const ev = only(parseAt({ ...reply, object: { ...(reply.object as object), admin_author_id: null, random_id: null } }));
    expect(ev).toMatchObject({ kind: "echo", source: "other_app", providerMessageId: "111222333:733" });
  });

  it("dates as seconds, digits or ISO 8601 text are read; an absent, unreadable or impossible one is the time the event was received", () => {
    const at = new Date(1767225600 * 1000);
    const sentAt = (date: unknown) => {
      const ev = only(parseAt(withMessage({ date })));
      return ev.kind === "message" ? ev.sentAt : undefined;
    };
    expect(sentAt(1767225600)).toEqual(at);
    expect(sentAt("1767225600")).toEqual(at);
    expect(sentAt("2026-01-01T00:00:00Z")).toEqual(at);
    for (const date of [undefined, null, 1e20, -1, "завтра"]) expect(sentAt(date)).toEqual(RECEIVED);
    const edit = parseAt({ ...fixture("callback_message_reply.json"), type: "message_edit", object: { ...(fixture("callback_message_reply.json").object as object), update_time: 1e20, date: "x" } });
    expect(only(edit)).toMatchObject({ kind: "message_edited", editedAt: RECEIVED });
    expect(only(parseAt(fixture("callback_message_allow.json")))).toMatchObject({ kind: "contact_unblocked_us", at: RECEIVED });
  });

  it("numbers as digits and wrong types where nothing is keyed: the photo and the language still come through", () => {
    const photo = messageOf("callback_message_new_photo.json") as { attachments: { photo: Record<string, unknown> }[] };
    const first = photo.attachments[0]!.photo;
    first.owner_id = "111222333";
    first.sizes = (first.sizes as Record<string, unknown>[]).map((size) => ({ ...size, width: String(size.width), height: null }));
    const ev = only(parseAt({ ...fixture("callback_message_new_photo.json"), object: { message: photo, client_info: { lang_id: "3" } } }));
    expect(ev).toMatchObject({
      kind: "message",
      attachments: [{ kind: "image", name: "photo111222333_457239017", providerRef: "https://sun9-1.userapi.com/impg/FAKE-PATH/example.jpg?size=960x1280&type=album" }],
      languageCode: "en",
    });
  });

  it("a needed field missing: refused, and the reason names the field", () => {
    expect(parseAt(withMessage({ peer_id: undefined }))).toEqual({ ok: false, reason: "unsupported shape: message_new.message.peer_id is missing" });
    expect(parseAt(withMessage({ from_id: null }))).toEqual({ ok: false, reason: "unsupported shape: message_new.message.from_id is missing" });
    expect(parseAt({ ...fixture("callback_message_new_text.json"), object: { message: null } })).toEqual({ ok: false, reason: "unsupported shape: message_new.message is missing" });
    expect(parseAt({ ...fixture("callback_message_allow.json"), object: { user_id: null } })).toEqual({ ok: false, reason: "unsupported shape: message_allow.user_id is missing" });
  });
});

