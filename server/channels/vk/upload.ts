import type { Attachment, ProviderError } from "../../../db/schema";
import { ATTACHMENT_LIMITS } from "../limits";
import { callVkApi, VkApiError } from "./api";

/**
 * Sending an operator's file to VK takes three steps per file (dev.vk.com "Загрузка файлов"):
 *   photos: photos.getMessagesUploadServer(peer_id) → POST multipart `photo` to upload_url → photos.saveMessagesPhoto(server, photo, hash)
 *   docs:   docs.getMessagesUploadServer(type=doc, peer_id) → POST multipart `file` to upload_url → docs.save(file, title)
 * and the saved media's "<type><owner_id>_<id>[_access_key]" goes into messages.send's `attachment`.
 */
export type VkUploadRoute = "photo" | "doc";

/** The file an operator attached to a reply, as loaded from storage. */
export type VkOutboundFile = { name: string; mimeType: string; data: Buffer };

/** VK's photo upload takes JPG, PNG and GIF (vksdk api/upload.go, from VK's upload docs); other images go as documents. */
const PHOTO_TYPES = /^image\/(jpeg|png|gif)$/i;

export function vkUploadRoute(attachment: Pick<Attachment, "kind" | "mimeType">): VkUploadRoute {
  return attachment.kind === "image" && PHOTO_TYPES.test(attachment.mimeType ?? "") ? "photo" : "doc";
}

/** F7's outbound limit for an attachment: by the kind the operator uploaded it as (images 10 MB, files 50 MB). */
export const outboundLimitFor = (attachment: Pick<Attachment, "kind">) => (attachment.kind === "image" ? ATTACHMENT_LIMITS.outbound.image : ATTACHMENT_LIMITS.outbound.file);

/** The first attachment over F7's outbound limits, checked from the stored sizes before anything is loaded or uploaded. */
export function firstOverLimit(attachments: Attachment[]): Attachment | undefined {
  return attachments.find((a) => (a.sizeBytes ?? 0) > outboundLimitFor(a));
}

/** VK takes at most 10 attachments per message (messages.send `attachment`). */
export const VK_MAX_ATTACHMENTS = 10;

/** The `attachment` entry for a saved photo or document; the access key is appended when VK returned one. */
export function vkAttachmentRef(type: VkUploadRoute, media: { owner_id: number; id: number; access_key?: string }): string {
  return `${type}${media.owner_id}_${media.id}${media.access_key ? `_${media.access_key}` : ""}`;
}

/** The local refusals, in the ProviderError shape so that classifyVkError decides them like VK's own errors. */
export const tooLargeError = (a: Pick<Attachment, "kind">): ProviderError => ({ code: "attachment_too_large", description: `attachment over ${outboundLimitFor(a)} bytes` });
export const missingFileError = (): ProviderError => ({ code: "attachment_missing", description: "the attachment's stored file is missing" });

type UploadErrorBody = { error?: unknown; error_code?: unknown; error_descr?: unknown };

/**
 * The ProviderError for an upload server's answer that carried no file. The upload server is not the API:
 * it answers its own JSON (`{"error": "…", "error_code"?, "error_descr"?}` in VK SDKs; its strings are not
 * documented), or a photo list of "[]" when it found no usable image, or an HTTP error from its front.
 *
 * All of these are retry_later (code `upload_failed`), except HTTP 413, which says the file itself is too
 * large. Why retrying is right: every attempt asks the API for a fresh upload_url, so an expired or
 * overloaded upload server heals by itself; the messages.send random_id keeps a retry from duplicating the
 * message; and a file VK will never take stops after the queue's last attempt (reason gave_up) instead of
 * being refused on the strength of an undocumented message text.
 */
export function vkUploadError(httpStatus: number, body: unknown): ProviderError {
  if (httpStatus === 413) return { httpStatus, code: "attachment_too_large", description: "the upload server refused the file as too large (HTTP 413)" };
  const b = typeof body === "object" && body !== null ? (body as UploadErrorBody) : undefined;
  const parts = [b?.error, b?.error_descr].filter((p): p is string => typeof p === "string" && p.length > 0);
  const text = parts.length > 0 ? parts.join(": ").slice(0, 300) : httpStatus >= 200 && httpStatus < 300 ? "no file in the answer" : `HTTP ${httpStatus}`;
  return { httpStatus, code: "upload_failed", description: `upload server: ${text}` };
}

/** Posts the bytes as multipart/form-data to the upload_url VK handed out; answers its JSON or throws a VkApiError. */
export async function postToUploadServer(uploadUrl: string, field: "photo" | "file", file: VkOutboundFile, timeoutMs = 120_000): Promise<Record<string, unknown>> {
  let url: URL;
  try {
    url = new URL(uploadUrl);
  } catch {
    throw new VkApiError({ code: "upload_failed", description: "upload server: VK returned no valid upload_url" });
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new VkApiError({ code: "upload_failed", description: "upload server: upload_url is not http(s)" });
  const form = new FormData();
  form.set(field, new Blob([new Uint8Array(file.data)], { type: file.mimeType || "application/octet-stream" }), file.name);
  let response: Response;
  try {
    // The upload URL carries VK's own signature; the access token is never sent to it.
    response = await fetch(url, { method: "POST", body: form, signal: AbortSignal.timeout(timeoutMs), redirect: "manual" });
  } catch (error) {
    throw new VkApiError({ code: "upload_failed", description: `upload server: network error (${error instanceof Error ? error.name : "Error"})` });
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  if (!response.ok || typeof body !== "object" || body === null || Array.isArray(body) || "error" in body) throw new VkApiError(vkUploadError(response.status, body));
  return body as Record<string, unknown>;
}

type UploadServer = { upload_url?: unknown };
type SavedPhoto = { id: number; owner_id: number; access_key?: string };
type SavedDoc = { type?: string; doc?: { id: number; owner_id: number; access_key?: string } };

const isInt = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v);

/** A doc title VK accepts: the file name, never empty (docs.edit caps titles at 128 characters; save is assumed alike). */
export function vkDocTitle(name: string): string {
  return (name.trim() || "file").slice(0, 128);
}

/** Uploads one file and saves it; answers its `attachment` entry. VK API refusals and upload failures throw VkApiError. */
export async function uploadToVk(token: string, peerId: string, route: VkUploadRoute, file: VkOutboundFile): Promise<string> {
  if (route === "photo") {
    const server = await callVkApi<UploadServer>(token, "photos.getMessagesUploadServer", { peer_id: peerId });
    const uploaded = await postToUploadServer(String(server.upload_url ?? ""), "photo", file);
    // An upload server that found no image answers photo "[]" (or nothing): there is nothing to save.
    if (!isInt(uploaded.server) || typeof uploaded.photo !== "string" || uploaded.photo === "[]" || typeof uploaded.hash !== "string") {
      throw new VkApiError(vkUploadError(200, uploaded));
    }
    const saved = await callVkApi<SavedPhoto[]>(token, "photos.saveMessagesPhoto", { server: uploaded.server, photo: uploaded.photo, hash: uploaded.hash });
    const photo = Array.isArray(saved) ? saved[0] : undefined;
    if (!photo || !isInt(photo.id) || !isInt(photo.owner_id)) throw new VkApiError({ code: "upload_failed", description: "photos.saveMessagesPhoto returned no photo" });
    return vkAttachmentRef("photo", photo);
  }
  const server = await callVkApi<UploadServer>(token, "docs.getMessagesUploadServer", { type: "doc", peer_id: peerId });
  const uploaded = await postToUploadServer(String(server.upload_url ?? ""), "file", file);
  if (typeof uploaded.file !== "string" || !uploaded.file) throw new VkApiError(vkUploadError(200, uploaded));
  const saved = await callVkApi<SavedDoc>(token, "docs.save", { file: uploaded.file, title: vkDocTitle(file.name) });
  const doc = saved?.doc;
  if (!doc || !isInt(doc.id) || !isInt(doc.owner_id)) throw new VkApiError({ code: "upload_failed", description: "docs.save returned no document" });
  return vkAttachmentRef("doc", doc);
}
