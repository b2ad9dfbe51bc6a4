import { readFileSync } from "node:fs";
import { and, desc, eq, isNull } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "../../db";
import { contacts, messages, outboundSends } from "../../db/schema";
import { postTelegramUpdate, seedTestCompany } from "../testing/factories";
import { telegramFake } from "../testing/setup";

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../e2e/fixtures/telegram/${name}`, import.meta.url), "utf8")) as Record<string, unknown>;

async function post(co: Awaited<ReturnType<typeof seedTestCompany>>, name: string, patch: (u: Record<string, unknown>) => void = () => {}) {
  const update = fixture(name);
  patch(update);
  const res = await postTelegramUpdate(co.telegram.channelId, co.telegram.webhookSecret, update);
  expect(res.status).toBe(200);
  return res;
}
const messagesOf = (channelId: string) => db.select().from(messages).where(eq(messages.channelId, channelId)).orderBy(desc(messages.createdAt));
const contactsOf = (channelId: string) => db.select().from(contacts).where(eq(contacts.channelId, channelId));

describe("Telegram fixtures through the webhook", () => {
  it("update_message_photo.json stores the caption and the photo's metadata", async () => {
    const co = await seedTestCompany();
    await post(co, "update_message_photo.json");
    const [m] = await messagesOf(co.telegram.channelId);
    expect(m!.attachments).toEqual([expect.objectContaining({ kind: "image", providerRef: expect.stringContaining("AgAC") })]);
  });

  it("update_message_document.json stores the document's name, type and size, and a copy of it", async () => {
    const co = await seedTestCompany();
    telegramFake.files.set("BQACAgIAAxkBAAIBZ2FAKEdocumentFileId", Buffer.alloc(245760, 1));
    await post(co, "update_message_document.json");
    const [m] = await messagesOf(co.telegram.channelId);
    expect(m).toMatchObject({ text: "Invoice attached", attachments: [expect.objectContaining({ kind: "file", name: "invoice-4512.pdf", sizeBytes: 245760, fileId: expect.any(String) })] });
  });

  it("update_message_voice.json is kept as unsupported and the customer is told, in their language", async () => {
    const co = await seedTestCompany();
    await post(co, "update_message_voice.json");
    const [notice, voice] = await messagesOf(co.telegram.channelId);
    expect(voice!.attachments[0]).toMatchObject({ kind: "voice", note: "unsupported" });
    expect(notice).toMatchObject({ direction: "outbound", authorKind: "system", deliveryStatus: "pending" });
    expect(notice!.text).toContain("голосовые сообщения"); // from.language_code is "ru"
    expect(await db.select().from(outboundSends).where(eq(outboundSends.messageId, notice!.id))).toHaveLength(1);
  });

  it("update_edited_message.json replaces the text of the original message", async () => {
    const co = await seedTestCompany();
    const edited = fixture("update_edited_message.json") as { edited_message: { message_id: number; text: string } };
    await post(co, "update_message_text.json", (u) => ((u.message as { message_id: number }).message_id = edited.edited_message.message_id));
    await post(co, "update_edited_message.json");
    const rows = await messagesOf(co.telegram.channelId);
    const target = rows.filter((m) => m.providerMessageId === `123456789:${edited.edited_message.message_id}`);
    expect(target).toHaveLength(1);
    expect(target[0]!.text).toBe(edited.edited_message.text);
    expect(target[0]!.editedAt).not.toBeNull();
  });

  it("update_callback_query.json answers the button in the webhook reply and records the choice", async () => {
    const co = await seedTestCompany();
    const res = await post(co, "update_callback_query.json");
    expect(await res.json()).toEqual({ method: "answerCallbackQuery", callback_query_id: "530000000012345678" });
    const [m] = await messagesOf(co.telegram.channelId);
    expect(m).toMatchObject({ text: "Yes", providerMessageId: "callback:530000000012345678" });
  });

  it("update_my_chat_member_blocked.json and _unblocked.json mark and clear the block", async () => {
    const co = await seedTestCompany();
    await post(co, "update_message_text.json");
    await post(co, "update_my_chat_member_blocked.json");
    const [blocked] = (await contactsOf(co.telegram.channelId)).filter((c) => c.externalId === "123456789");
    expect(blocked!.blockedUsAt).not.toBeNull();
    await post(co, "update_my_chat_member_unblocked.json");
    const [unblocked] = (await contactsOf(co.telegram.channelId)).filter((c) => c.externalId === "123456789");
    expect(unblocked!.blockedUsAt).toBeNull();
  });

  it("update_group_message.json makes the group one contact and prefixes the participant's name", async () => {
    const co = await seedTestCompany();
    await post(co, "update_my_chat_member_added_to_group.json");
    expect((await contactsOf(co.telegram.channelId)).filter((c) => c.externalId === "-987654321")).toHaveLength(0);
    await post(co, "update_group_message.json");
    const group = (await contactsOf(co.telegram.channelId)).filter((c) => c.externalId === "-987654321");
    expect(group).toEqual([expect.objectContaining({ displayName: "Acme Customers (test)", chatKind: "group" })]);
    const [m] = await messagesOf(co.telegram.channelId);
    expect(m!.text).toBe("Olga: @AcmeSupportBot is the shop open on Sunday?");
  });

  it("update_group_migrate_to_supergroup.json and update_supergroup_migrate_from_group.json move the contact to the new chat id", async () => {
    const co = await seedTestCompany();
    await post(co, "update_group_message.json");
    await post(co, "update_group_migrate_to_supergroup.json");
    await post(co, "update_supergroup_migrate_from_group.json");
    const group = await db.select().from(contacts).where(and(eq(contacts.channelId, co.telegram.channelId), eq(contacts.displayName, "Acme Customers (test)")));
    expect(group.map((c) => c.externalId)).toEqual(["-1001987654321"]);
    // The next message in the supergroup lands in the same contact's conversation.
    await post(co, "update_group_message.json", (u) => {
      u.update_id = 850000099;
      const m = u.message as { chat: { id: number; type: string }; message_id: number };
      m.chat = { ...m.chat, id: -1001987654321, type: "supergroup" };
      m.message_id = 2;
    });
    const after = await db.select().from(contacts).where(and(eq(contacts.channelId, co.telegram.channelId), eq(contacts.displayName, "Acme Customers (test)")));
    expect(after).toHaveLength(1);
  });

  it("removing the bot from a group and adding it again creates a new contact", async () => {
    const co = await seedTestCompany();
    await post(co, "update_group_message.json");
    await post(co, "update_my_chat_member_added_to_group.json", (u) => {
      u.update_id = 850000100;
      const m = u.my_chat_member as { old_chat_member: { status: string }; new_chat_member: { status: string } };
      m.old_chat_member.status = "member";
      m.new_chat_member.status = "left";
    });
    await post(co, "update_group_message.json", (u) => {
      u.update_id = 850000101;
      (u.message as { message_id: number }).message_id = 99;
    });
    const group = (await contactsOf(co.telegram.channelId)).filter((c) => c.externalId === "-987654321");
    expect(group).toHaveLength(2);
    expect(group.filter((c) => c.endedAt === null)).toHaveLength(1);
    const live = await db.select().from(contacts).where(and(eq(contacts.externalId, "-987654321"), isNull(contacts.endedAt), eq(contacts.channelId, co.telegram.channelId)));
    expect(live).toHaveLength(1);
  });

  it("a banned contact's messages are kept but do not reach the line", async () => {
    const co = await seedTestCompany();
    await db.update(contacts).set({ bannedAt: new Date() }).where(and(eq(contacts.channelId, co.telegram.channelId), eq(contacts.externalId, "123456789")));
    await post(co, "update_message_text.json");
    const [m] = await messagesOf(co.telegram.channelId);
    expect(m!.text).toBe("Hello! Where is my order #4512?");
    const { callerFor } = await import("../testing/factories");
    const inbox = await callerFor({ id: co.operators[0]!.id, companyId: co.companyId, role: "operator" }).inbox.list({ filter: "open" });
    expect(inbox.map((c) => c.preview)).not.toContain("Hello! Where is my order #4512?");
  });
});
