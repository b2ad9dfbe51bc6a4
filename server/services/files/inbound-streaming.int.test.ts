import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { desc, eq, isNotNull } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "../../../db";
import { messages, storedFiles } from "../../../db/schema";
import { ATTACHMENT_LIMITS } from "../../channels/limits";
import { createS3ObjectStore, useObjectStore, type ObjectStore } from "../../storage/object-store";
import { postTelegramUpdate } from "../../testing/factories";
import { startS3Fake, type S3Fake } from "../../testing/s3-fake";
import { telegramFake } from "../../testing/setup";
import { postMeta, postVk, webhookCompany } from "../../testing/webhooks";
import { fetchInboundAttachments } from "./fetch-inbound-attachments";

// Customers' files are streamed from the provider's response into the file storage: never gathered whole, and cut
// off at the first byte over F7's inbound limit (images 5 MB, files 20 MB), whatever size the provider declared.

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const telegramFixture = (name: string) => JSON.parse(readFileSync(new URL(`../../../e2e/fixtures/telegram/${name}`, import.meta.url), "utf8")) as Record<string, unknown>;
const IMAGE_LIMIT = ATTACHMENT_LIMITS.inbound.image;

type Download = { path: string; sentBytes: number; aborted: boolean };
type CdnFile = { bytes: Buffer; contentType: string; declareLength?: boolean; dropAfter?: number };

/** A provider's media host on loopback (META_MEDIA_HOSTS / VK_MEDIA_HOSTS allow 127.0.0.1 in the suite). */
let cdn: Server;
let cdnUrl = "";
const cdnFiles = new Map<string, CdnFile>();
const downloads: Download[] = [];

let s3: S3Fake;
let s3Store: ObjectStore;

beforeAll(async () => {
  s3 = await startS3Fake();
  s3Store = createS3ObjectStore({ bucket: s3.bucket, region: "us-east-1", endpoint: s3.url, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey, forcePathStyle: true, timeoutMs: 5_000 });
  cdn = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://cdn").pathname;
    const file = cdnFiles.get(path);
    if (!file) {
      res.writeHead(404);
      return res.end();
    }
    // Written in 64 KiB chunks as fast as the client reads them, so a client that stops reading is seen to go.
    res.writeHead(200, { "content-type": file.contentType, ...(file.declareLength ? { "content-length": file.bytes.byteLength } : {}) });
    let sentBytes = 0;
    res.once("close", () => downloads.push({ path, sentBytes, aborted: !res.writableFinished }));
    const end = file.dropAfter ?? file.bytes.byteLength;
    const pump = () => {
      while (sentBytes < end) {
        if (res.destroyed) return;
        const chunk = file.bytes.subarray(sentBytes, Math.min(sentBytes + 64 * 1024, end));
        sentBytes += chunk.byteLength;
        if (!res.write(chunk)) return void res.once("drain", pump);
      }
      if (file.dropAfter !== undefined) res.destroy(); // the connection fails midway
      else res.end();
    };
    pump();
  });
  await new Promise<void>((resolve) => cdn.listen(0, "127.0.0.1", resolve));
  const address = cdn.address();
  cdnUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
});
afterEach(() => {
  useObjectStore(undefined);
  s3.reset();
  cdnFiles.clear();
  downloads.length = 0;
  telegramFake.reset();
});
afterAll(async () => {
  // This file's bucket goes with it: rows pointing into it would leave the rest of the run "not ready".
  await db.delete(storedFiles).where(isNotNull(storedFiles.storageKey));
  await s3.close();
  cdn.closeAllConnections();
  await new Promise<void>((resolve) => cdn.close(() => resolve()));
});

const latestOn = async (channelId: string) => (await db.select().from(messages).where(eq(messages.channelId, channelId)).orderBy(desc(messages.createdAt)).limit(1))[0]!;
const filesOf = (companyId: string) => db.select().from(storedFiles).where(eq(storedFiles.companyId, companyId));
const written = () => s3.calls.filter((c) => c.op === "UploadPart" || c.op === "PutObject").reduce((sum, c) => sum + (c.bytes ?? 0), 0);

let vkMessageId = 2000;
function vkMessage(groupId: number, secret: string, attachment: unknown) {
  const id = ++vkMessageId;
  return {
    group_id: groupId,
    type: "message_new",
    event_id: randomBytes(20).toString("hex"),
    v: "5.199",
    object: { message: { date: 1767225660, from_id: 111222333, id, out: 0, attachments: [attachment], conversation_message_id: id, peer_id: 111222333, text: "" } },
    secret,
  };
}

function metaMessage(pageId: string, attachment: { type: string; payload: { url: string } }) {
  return JSON.stringify({
    object: "page",
    entry: [
      {
        id: pageId,
        time: Date.now(),
        messaging: [{ sender: { id: "7000000000000042" }, recipient: { id: pageId }, timestamp: Date.now(), message: { mid: `m_${randomBytes(8).toString("hex")}`, attachments: [attachment] } }],
      },
    ],
  });
}

/** The attachment was cut off over the limit: said on the message, nothing stored anywhere, the download abandoned. */
async function expectCutOff(companyId: string, attachment: { note?: string; fileId?: string }, download: { sentBytes: number; aborted: boolean } | undefined, total: number) {
  expect(attachment).toMatchObject({ note: "too_large" });
  expect(attachment.fileId).toBeUndefined();
  expect(await filesOf(companyId)).toEqual([]);
  expect(download).toMatchObject({ aborted: true });
  expect(download!.sentBytes).toBeLessThan(total);
  expect(s3.objects.size).toBe(0);
  // What reached the bucket before the cut never exceeds the limit (lib-storage holds one 5 MB part at a time).
  expect(written()).toBeLessThanOrEqual(IMAGE_LIMIT);
  if (s3.calls.some((c) => c.op === "CreateMultipartUpload")) expect(s3.calls.map((c) => c.op)).toContain("AbortMultipartUpload");
}

describe.each(["database", "s3"] as const)("customers' files kept in %s", (mode) => {
  const use = () => useObjectStore(mode === "s3" ? s3Store : undefined);

  it("Telegram: a document of unknown size streams from the download into storage", async () => {
    use();
    const { co, telegram } = await webhookCompany();
    const update = telegramFixture("update_message_document.json") as { message: { document: { file_size?: number; file_id: string } } };
    delete update.message.document.file_size;
    const bytes = randomBytes(7 * 1024 * 1024 + 17); // over one multipart part
    telegramFake.files.set(update.message.document.file_id, bytes);
    telegramFake.unsizedFiles.add(update.message.document.file_id);
    await postTelegramUpdate(telegram.channelId, telegram.secret, update);

    const [attachment] = (await latestOn(telegram.channelId)).attachments;
    expect(attachment).toMatchObject({ kind: "file", fileId: expect.any(String), sizeBytes: bytes.byteLength });
    expect(attachment!.note).toBeUndefined();
    const [row] = await db.select().from(storedFiles).where(eq(storedFiles.id, attachment!.fileId!));
    expect(row).toMatchObject({ companyId: co.companyId, sizeBytes: bytes.byteLength, sha256: sha(bytes), mimeType: "application/pdf" });
    expect(telegramFake.downloads).toEqual([{ fileId: update.message.document.file_id, sentBytes: bytes.byteLength, aborted: false }]);
    if (mode === "s3") {
      expect(sha(s3.objects.get(row!.storageKey!)!.data)).toBe(sha(bytes));
      expect(s3.calls.filter((c) => c.op === "UploadPart").length).toBe(2); // in parts, as it arrived
    } else {
      expect(sha(row!.data!)).toBe(sha(bytes));
    }
  });

  it("Telegram: a photo whose size is not told is cut off at the 5 MB limit, recorded as too large", async () => {
    use();
    const { co, telegram } = await webhookCompany();
    const update = telegramFixture("update_message_photo.json") as { message: { photo: { file_id: string; file_size?: number }[] } };
    const largest = update.message.photo.at(-1)!.file_id;
    const bytes = Buffer.alloc(4 * IMAGE_LIMIT, 7);
    telegramFake.files.set(largest, bytes); // the update said 153 002 bytes; getFile says nothing
    telegramFake.unsizedFiles.add(largest);
    await postTelegramUpdate(telegram.channelId, telegram.secret, update);

    const [attachment] = (await latestOn(telegram.channelId)).attachments;
    await vi.waitFor(() => expect(telegramFake.downloads).toHaveLength(1));
    await expectCutOff(co.companyId, attachment!, telegramFake.downloads[0], bytes.byteLength);
  });

  it("VK: a doc streams from the media host; a photo sent on past the limit is cut off", async () => {
    use();
    const { co, vk } = await webhookCompany();
    const doc = randomBytes(300 * 1024);
    cdnFiles.set("/doc/invoice.pdf", { bytes: doc, contentType: "application/pdf" });
    await (await postVk(vk.channelId, JSON.stringify(vkMessage(vk.groupId, vk.secret, { type: "doc", doc: { id: 1, owner_id: 111222333, title: "invoice.pdf", size: doc.byteLength, ext: "pdf", url: `${cdnUrl}/doc/invoice.pdf` } })))).after?.();
    const [stored] = (await latestOn(vk.channelId)).attachments;
    expect(stored).toMatchObject({ kind: "file", name: "invoice.pdf", sizeBytes: doc.byteLength, fileId: expect.any(String) });
    const [row] = await db.select().from(storedFiles).where(eq(storedFiles.id, stored!.fileId!));
    expect(row).toMatchObject({ sha256: sha(doc), name: "invoice.pdf" });
    await db.delete(storedFiles).where(eq(storedFiles.id, row!.id));
    s3.reset();
    downloads.length = 0;

    const photo = Buffer.alloc(4 * IMAGE_LIMIT, 1);
    cdnFiles.set("/impg/huge.jpg", { bytes: photo, contentType: "image/jpeg" });
    const sizes = [{ height: 1280, type: "z", width: 960, url: `${cdnUrl}/impg/huge.jpg` }];
    await (await postVk(vk.channelId, JSON.stringify(vkMessage(vk.groupId, vk.secret, { type: "photo", photo: { id: 2, owner_id: 111222333, sizes } })))).after?.();
    const [attachment] = (await latestOn(vk.channelId)).attachments;
    await vi.waitFor(() => expect(downloads).toHaveLength(1));
    await expectCutOff(co.companyId, attachment!, downloads[0], photo.byteLength);
  });

  it("Meta: an image streams with its type; one declaring more than the limit is refused unread", async () => {
    use();
    const { co, meta } = await webhookCompany();
    const image = randomBytes(200 * 1024);
    cdnFiles.set("/fake-cdn/image.png", { bytes: image, contentType: "image/png; charset=binary", declareLength: true });
    await (await postMeta(metaMessage(meta.pageId, { type: "image", payload: { url: `${cdnUrl}/fake-cdn/image.png` } }), true)).after?.();
    const [stored] = (await latestOn(meta.pageChannelId)).attachments;
    expect(stored).toMatchObject({ kind: "image", sizeBytes: image.byteLength, fileId: expect.any(String) });
    const [row] = await db.select().from(storedFiles).where(eq(storedFiles.id, stored!.fileId!));
    expect(row).toMatchObject({ sha256: sha(image), mimeType: "image/png", name: "image.png" });
    await db.delete(storedFiles).where(eq(storedFiles.id, row!.id));
    s3.reset();
    downloads.length = 0;

    const huge = Buffer.alloc(4 * IMAGE_LIMIT, 2);
    cdnFiles.set("/fake-cdn/huge.jpg", { bytes: huge, contentType: "image/jpeg", declareLength: true });
    await (await postMeta(metaMessage(meta.pageId, { type: "image", payload: { url: `${cdnUrl}/fake-cdn/huge.jpg` } }), true)).after?.();
    const [attachment] = (await latestOn(meta.pageChannelId)).attachments;
    await vi.waitFor(() => expect(downloads).toHaveLength(1));
    await expectCutOff(co.companyId, attachment!, downloads[0], huge.byteLength);
    expect(s3.calls).toEqual([]); // refused from the declared length: nothing was streamed at all
  });

  it("a provider connection that fails midway is 'could not be fetched', and nothing is stored", async () => {
    use();
    const { co, vk } = await webhookCompany();
    cdnFiles.set("/doc/broken.pdf", { bytes: randomBytes(2 * 1024 * 1024), contentType: "application/pdf", dropAfter: 512 * 1024 });
    await (await postVk(vk.channelId, JSON.stringify(vkMessage(vk.groupId, vk.secret, { type: "doc", doc: { id: 3, owner_id: 111222333, title: "broken.pdf", size: 1000, ext: "pdf", url: `${cdnUrl}/doc/broken.pdf` } })))).after?.();
    const [attachment] = (await latestOn(vk.channelId)).attachments;
    expect(attachment).toMatchObject({ kind: "file", note: "fetch_failed" });
    expect(attachment!.fileId).toBeUndefined();
    expect(await filesOf(co.companyId)).toEqual([]);
    expect(s3.objects.size).toBe(0);
  });
});

it("object storage down: the fetch fails (the job is retried), the attachment stays fetchable, and a later run stores it", async () => {
  useObjectStore(s3Store);
  const { co, vk } = await webhookCompany();
  const doc = randomBytes(64 * 1024);
  cdnFiles.set("/doc/later.pdf", { bytes: doc, contentType: "application/pdf" });
  s3.down = true;
  await (await postVk(vk.channelId, JSON.stringify(vkMessage(vk.groupId, vk.secret, { type: "doc", doc: { id: 4, owner_id: 111222333, title: "later.pdf", size: doc.byteLength, ext: "pdf", url: `${cdnUrl}/doc/later.pdf` } })))).after?.();
  const message = await latestOn(vk.channelId);
  expect(message.attachments[0]).not.toHaveProperty("note");
  expect(message.attachments[0]).not.toHaveProperty("fileId");
  await expect(fetchInboundAttachments([message.id])).rejects.toThrow();

  s3.down = false;
  await fetchInboundAttachments([message.id]);
  const [attachment] = (await latestOn(vk.channelId)).attachments;
  expect(attachment).toMatchObject({ fileId: expect.any(String), sizeBytes: doc.byteLength });
  const rows = await filesOf(co.companyId);
  expect(rows.map((r) => r.sha256)).toEqual([sha(doc)]);
  expect(sha(s3.objects.get(rows[0]!.storageKey!)!.data)).toBe(sha(doc));
});
