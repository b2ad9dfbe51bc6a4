import { Readable, Transform, type TransformCallback } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { BodyTooLargeError } from "../http-body";
import { ATTACHMENT_LIMITS } from "./limits";
import type { FetchedFile, ProviderFileBody } from "./types";
import type { Attachment } from "../../db/schema";

const allowed = (host: string, hosts: string[]) => hosts.some((h) => host === h || host.endsWith(`.${h}`));

/** Passes a provider's body on while it stays within the limit; see ProviderFileBody. */
class LimitedBody extends Transform implements ProviderFileBody {
  failure: "too_large" | "fetch_failed" | undefined;
  private bytes = 0;

  constructor(
    source: Readable,
    private readonly limit: number,
  ) {
    super();
    source.once("error", (error) => {
      if (this.destroyed) return;
      this.failure ??= "fetch_failed";
      this.destroy(error);
    });
    // Over the limit, failed, or given up by the reader: the download stops (its connection is closed).
    this.once("close", () => source.destroy());
    source.pipe(this);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
    this.bytes += chunk.byteLength;
    if (this.bytes > this.limit) {
      this.failure = "too_large";
      done(new BodyTooLargeError(this.limit));
      return;
    }
    done(null, chunk);
  }
}

/**
 * A provider's download as a ProviderFileBody that stops at `limit`, or "too_large" at once when the response
 * declares more than that (its body is then never read).
 */
export async function limitedDownload(response: Response, limit: number): Promise<{ ok: true; body: ProviderFileBody } | { ok: false; note: "too_large" }> {
  const declared = Number(response.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > limit) {
    await response.body?.cancel().catch(() => undefined);
    return { ok: false, note: "too_large" };
  }
  const source = response.body ? Readable.fromWeb(response.body as WebReadableStream<Uint8Array>) : Readable.from([]);
  return { ok: true, body: new LimitedBody(source, limit) };
}

/**
 * Opens an attachment's download from the provider's CDN URL (Meta and VK put it in the signed / secret-checked
 * event); its bytes stop at F7's inbound limit, and more than that is never read. Only http(s) URLs on the
 * provider's media hosts are followed (configuration, so a payload can never point us anywhere else), and
 * redirects are not followed off them. The deadline covers the whole transfer, body included.
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
  let fromPath: string;
  try {
    fromPath = decodeURIComponent(url.pathname.split("/").pop() ?? "");
  } catch {
    fromPath = "";
  }
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: "manual" });
    if (!response.ok || !response.body) {
      await response.body?.cancel().catch(() => undefined);
      return { ok: false, note: "fetch_failed" };
    }
    const download = await limitedDownload(response, limit);
    if (!download.ok) return download;
    const type = response.headers.get("content-type")?.split(";")[0]?.trim();
    return { ok: true, body: download.body, mimeType: attachment.mimeType ?? type, name: attachment.name ?? (fromPath || undefined) };
  } catch {
    return { ok: false, note: "fetch_failed" };
  }
}
