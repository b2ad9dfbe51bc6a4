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
});
