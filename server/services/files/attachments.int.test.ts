import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { desc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "../../../db";
import { messages, storedFiles } from "../../../db/schema";
import { callerFor, postTelegramUpdate, seedTestCompany } from "../../testing/factories";
import { telegramFake } from "../../testing/setup";
import { deliverDueSends } from "../sends/deliver-due-sends";
import { uploadAttachment } from "./store-file";

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../../e2e/fixtures/telegram/${name}`, import.meta.url), "utf8")) as Record<string, unknown>;
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const latest = async (channelId: string) => (await db.select().from(messages).where(eq(messages.channelId, channelId)).orderBy(desc(messages.createdAt)).limit(1))[0]!;

describe("attachments", () => {
  it("copies a customer's photo (update_message_photo.json) from Telegram into storage", async () => {
    const co = await seedTestCompany();
    const photo = randomBytes(2048);
    telegramFake.files.set("AgACAgIAAxkBAAIBZmFAKEphotoSize1280", photo);
    await postTelegramUpdate(co.telegram.channelId, co.telegram.webhookSecret, fixture("update_message_photo.json"));
    const message = await latest(co.telegram.channelId);
    const [attachment] = message.attachments;
    expect(attachment).toMatchObject({ kind: "image", fileId: expect.any(String), sizeBytes: 2048 });
    const [file] = await db.select().from(storedFiles).where(eq(storedFiles.id, attachment!.fileId!));
    expect(file).toMatchObject({ companyId: co.companyId, sha256: sha(photo) });
  });

  it("says a file is too large when Telegram reports more than 20 MB, without downloading it", async () => {
    const co = await seedTestCompany();
    const update = fixture("update_message_document.json") as { message: { document: { file_size?: number; file_id: string } } };
    delete update.message.document.file_size; // the size is learnt from getFile
    telegramFake.files.set(update.message.document.file_id, Buffer.alloc(20 * 1024 * 1024 + 1));
    await postTelegramUpdate(co.telegram.channelId, co.telegram.webhookSecret, update);
    const message = await latest(co.telegram.channelId);
    expect(message.attachments[0]).toMatchObject({ kind: "file", note: "too_large" });
    expect(message.attachments[0]!.fileId).toBeUndefined();
  });

  it("sends an operator's image with sendPhoto and the text as its caption", async () => {
    const co = await seedTestCompany();
    await postTelegramUpdate(co.telegram.channelId, co.telegram.webhookSecret, { ...fixture("update_message_text.json"), update_id: 1 });
    const ctx = { db, companyId: co.companyId, actor: { kind: "user" as const, userId: co.operators[0]!.id, role: "operator" as const } };
    const bytes = randomBytes(4096);
    const upload = await uploadAttachment({ ctx, input: { name: "label.png", mimeType: "image/png", data: bytes } });
    const operator = callerFor({ id: co.operators[0]!.id, companyId: co.companyId, role: "operator" });
    const [conversation] = (await operator.inbox.list({ filter: "open" })).filter((c) => c.provider === "telegram");
    const reply = await operator.inbox.reply({ conversationId: conversation!.id, text: "Your shipping label", fileIds: [upload.id] });
    await deliverDueSends();
    const call = telegramFake.calls.find((c) => c.method === "sendPhoto" && c.params.caption === "Your shipping label");
    expect(call?.params.photo).toMatchObject({ name: "label.png", type: "image/png", size: 4096, sha256: sha(bytes) });
    expect(call?.params.chat_id).toBe("123456789");
    expect((await db.select().from(messages).where(eq(messages.id, reply.id)))[0]!.deliveryStatus).toBe("sent");
  });

  it("refuses uploads over the outbound limits and files of another company", async () => {
    const co = await seedTestCompany();
    const other = await seedTestCompany();
    const ctx = (c: typeof co) => ({ db, companyId: c.companyId, actor: { kind: "user" as const, userId: c.operators[0]!.id, role: "operator" as const } });
    await expect(uploadAttachment({ ctx: ctx(co), input: { name: "big.jpg", mimeType: "image/jpeg", data: Buffer.alloc(10 * 1024 * 1024 + 1) } })).rejects.toMatchObject({ messageKey: "inbox.upload.tooLarge" });
    const pdf = await uploadAttachment({ ctx: ctx(co), input: { name: "a.pdf", mimeType: "application/pdf", data: Buffer.alloc(10 * 1024 * 1024 + 1) } });
    expect(pdf.kind).toBe("file"); // files may be up to 50 MB

    const theirs = await uploadAttachment({ ctx: ctx(other), input: { name: "x.txt", mimeType: "text/plain", data: Buffer.from("x") } });
    const operator = callerFor({ id: co.operators[0]!.id, companyId: co.companyId, role: "operator" });
    const [conversation] = await operator.inbox.list({ filter: "open" });
    await expect(operator.inbox.reply({ conversationId: conversation!.id, text: "see attached", fileIds: [theirs.id] })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
