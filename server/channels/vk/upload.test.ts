import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startVkFake, type VkFake } from "../../sandbox/vk-fake";
import { VkApiError } from "./api";
import { classifyVkError } from "./classify";
import { firstOverLimit, missingFileError, postToUploadServer, tooLargeError, vkAttachmentRef, vkDocTitle, vkUploadError, vkUploadRoute } from "./upload";

const MB = 1024 * 1024;

describe("vkUploadRoute", () => {
  it("sends JPEG, PNG and GIF images as photos and everything else as documents", () => {
    expect(vkUploadRoute({ kind: "image", mimeType: "image/jpeg" })).toBe("photo");
    expect(vkUploadRoute({ kind: "image", mimeType: "image/PNG" })).toBe("photo");
    expect(vkUploadRoute({ kind: "image", mimeType: "image/gif" })).toBe("photo");
    // VK's photo upload does not take WebP: it still reaches the customer, as a document.
    expect(vkUploadRoute({ kind: "image", mimeType: "image/webp" })).toBe("doc");
    expect(vkUploadRoute({ kind: "image" })).toBe("doc");
    expect(vkUploadRoute({ kind: "file", mimeType: "application/pdf" })).toBe("doc");
    expect(vkUploadRoute({ kind: "file", mimeType: "image/jpeg" })).toBe("doc");
  });
});

describe("firstOverLimit (F7 outbound: images 10 MB, files 50 MB)", () => {
  it("allows files up to the limit of their kind and names the first one over it", () => {
    expect(firstOverLimit([])).toBeUndefined();
    expect(firstOverLimit([{ kind: "image", sizeBytes: 10 * MB }, { kind: "file", sizeBytes: 50 * MB }])).toBeUndefined();
    const bigImage = { kind: "image" as const, name: "big.jpg", sizeBytes: 10 * MB + 1 };
    expect(firstOverLimit([{ kind: "file", sizeBytes: 20 * MB }, bigImage])).toBe(bigImage);
    const bigFile = { kind: "file" as const, sizeBytes: 50 * MB + 1 };
    expect(firstOverLimit([bigFile])).toBe(bigFile);
    // Without a stored size there is nothing to refuse yet (the loaded bytes are checked again).
    expect(firstOverLimit([{ kind: "image" }])).toBeUndefined();
  });

  it("is refused as attachment_too_large, a missing file as invalid_request", () => {
    expect(classifyVkError(tooLargeError({ kind: "image" }))).toMatchObject({ class: "message_rejected", reason: "attachment_too_large" });
    expect(tooLargeError({ kind: "file" }).description).toContain(String(50 * MB));
    expect(classifyVkError(missingFileError())).toMatchObject({ class: "message_rejected", reason: "invalid_request" });
    expect(classifyVkError({ code: "too_many_attachments" })).toMatchObject({ class: "message_rejected", reason: "fix_request" });
  });
});

describe("vkAttachmentRef", () => {
  it("formats <type><owner_id>_<id>[_access_key] as messages.send expects", () => {
    expect(vkAttachmentRef("photo", { owner_id: -229876543, id: 457239100 })).toBe("photo-229876543_457239100");
    expect(vkAttachmentRef("photo", { owner_id: -229876543, id: 457239100, access_key: "ab12" })).toBe("photo-229876543_457239100_ab12");
    expect(vkAttachmentRef("doc", { owner_id: 111222333, id: 7, access_key: "" })).toBe("doc111222333_7");
  });
});

describe("vkDocTitle", () => {
  it("keeps the file name, never empty and at most 128 characters", () => {
    expect(vkDocTitle("invoice 4512.pdf")).toBe("invoice 4512.pdf");
    expect(vkDocTitle("  ")).toBe("file");
    expect(vkDocTitle("x".repeat(300))).toHaveLength(128);
  });
});

describe("vkUploadError: the upload server's own answers", () => {
  it("retries what the upload server refused, keeping its words; HTTP 413 is too large for good", () => {
    const refused = vkUploadError(200, { error: "ERR_UPLOAD_FILE_NOT_UPLOADED", error_descr: "file not uploaded", error_code: 1 });
    expect(refused).toEqual({ httpStatus: 200, code: "upload_failed", description: "upload server: ERR_UPLOAD_FILE_NOT_UPLOADED: file not uploaded" });
    expect(classifyVkError(refused)).toMatchObject({ class: "retry_later", reason: "retrying" });
    expect(classifyVkError(refused).retryAfterSeconds).toBeUndefined();

    expect(vkUploadError(200, { server: 1, photo: "[]", hash: "h" }).description).toBe("upload server: no file in the answer");
    expect(vkUploadError(502, undefined)).toMatchObject({ httpStatus: 502, code: "upload_failed", description: "upload server: HTTP 502" });
    expect(classifyVkError(vkUploadError(502, undefined)).class).toBe("retry_later");

    const tooLarge = vkUploadError(413, undefined);
    expect(classifyVkError(tooLarge)).toMatchObject({ class: "message_rejected", reason: "attachment_too_large" });
  });
});

describe("postToUploadServer against the VK fake's upload server", () => {
  let fake: VkFake;
  beforeAll(async () => {
    fake = await startVkFake();
  });
  afterAll(async () => {
    await fake.close();
  });
  const file = { name: "invoice.pdf", mimeType: "application/pdf", data: randomBytes(3000) };
  const failure = async (promise: Promise<unknown>) => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(VkApiError);
    return (error as VkApiError).providerError;
  };

  it("posts the exact bytes as multipart under the given field and answers the server's JSON", async () => {
    const answer = await postToUploadServer(`${fake.url}/upload/doc?peer_id=1`, "file", file);
    expect(typeof answer.file).toBe("string");
    const call = fake.calls.at(-1)!;
    expect(call).toMatchObject({ method: "upload:doc", token: undefined, params: { peer_id: "1" } });
    expect(call.files?.file).toEqual({ name: "invoice.pdf", type: "application/pdf", size: 3000, sha256: createHash("sha256").update(file.data).digest("hex") });
  });

  it("turns the server's error JSON, a gateway page and a dead server into upload_failed", async () => {
    fake.enqueue("upload:doc", { error: "no_file" });
    expect(await failure(postToUploadServer(`${fake.url}/upload/doc`, "file", file))).toMatchObject({ code: "upload_failed", description: "upload server: no_file" });
    fake.enqueue("upload:doc", "<html>Bad Gateway</html>", 502);
    expect(await failure(postToUploadServer(`${fake.url}/upload/doc`, "file", file))).toMatchObject({ httpStatus: 502, code: "upload_failed" });
    fake.enqueue("upload:photo", {}, 413);
    expect(await failure(postToUploadServer(`${fake.url}/upload/photo`, "photo", file))).toMatchObject({ httpStatus: 413, code: "attachment_too_large" });
    expect(await failure(postToUploadServer("http://127.0.0.1:9/upload", "file", file))).toMatchObject({ code: "upload_failed" });
    expect(await failure(postToUploadServer("not a url", "file", file))).toMatchObject({ code: "upload_failed" });
    expect(await failure(postToUploadServer("file:///etc/passwd", "file", file))).toMatchObject({ code: "upload_failed" });
  });
});
