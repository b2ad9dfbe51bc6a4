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
    if (Number(response.headers.get("content-length")) > limit) {
      await response.body.cancel();
      return { ok: false, note: "too_large" };
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel();
        return { ok: false, note: "too_large" };
      }
      chunks.push(value);
    }
    const type = response.headers.get("content-type")?.split(";")[0]?.trim();
    const fromPath = decodeURIComponent(url.pathname.split("/").pop() ?? "");
    return { ok: true, data: Buffer.concat(chunks), mimeType: attachment.mimeType ?? type, name: attachment.name ?? (fromPath || undefined) };
  } catch {
    return { ok: false, note: "fetch_failed" };
  }
}
