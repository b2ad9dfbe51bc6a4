import { BodyTooLargeError, readBodyWithLimit } from "../http-body";
import { ATTACHMENT_LIMITS } from "./limits";
import type { FetchedFile } from "./types";
import type { Attachment } from "../../db/schema";

const allowed = (host: string, hosts: string[]) => hosts.some((h) => host === h || host.endsWith(`.${h}`));

/**
 * Downloads an attachment from the provider's CDN URL (Meta and VK put it in the signed / secret-checked
 * event), stopping at F7's inbound limit without buffering more than that. Only http(s) URLs on the
 * provider's media hosts are followed (configuration, so a payload can never point us anywhere else),
 * and redirects are not followed off them.
 */
export async function downloadAttachment(attachment: Attachment, hosts: string[], timeoutMs = 60_000): Promise<FetchedFile> {
  if (attachment.kind !== "image" && attachment.kind !== "file") return { ok: false, note: "fetch_failed" };
  const limit = ATTACHMENT_LIMITS.inbound[attachment.kind];
  if ((attachment.sizeBytes ?? 0) > limit) return { ok: false, note: "too_large" };
  let url: URL;
  try {
    url = new URL(attachment.providerRef ?? "");
  } catch {
    return { ok: false, note: "fetch_failed" };
  }
  if ((url.protocol !== "https:" && url.protocol !== "http:") || !allowed(url.hostname.toLowerCase(), hosts)) return { ok: false, note: "fetch_failed" };
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: "manual" });
    if (!response.ok || !response.body) return { ok: false, note: "fetch_failed" };
    let data: Buffer;
    try {
      data = await readBodyWithLimit(response, limit);
    } catch (error) {
      if (error instanceof BodyTooLargeError) return { ok: false, note: "too_large" };
      throw error;
    }
    const type = response.headers.get("content-type")?.split(";")[0]?.trim();
    const fromPath = decodeURIComponent(url.pathname.split("/").pop() ?? "");
    return { ok: true, data, mimeType: attachment.mimeType ?? type, name: attachment.name ?? (fromPath || undefined) };
  } catch {
    return { ok: false, note: "fetch_failed" };
  }
}
