import type { Attachment } from "../../../db/schema";
import { ATTACHMENT_LIMITS } from "../limits";
import type { MetaProvider } from "./parse";

/** Send API: "Maximum file size is 25MB" for a message attachment (protocols/meta.md §2.1). */
export const META_MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;

/** What may go to Meta: F7's outbound limit for the kind, never above Meta's own. */
export function outboundLimit(kind: "image" | "file"): number {
  return Math.min(ATTACHMENT_LIMITS.outbound[kind], META_MAX_ATTACHMENT_BYTES);
}

export type AttachmentRefusal = { reason: "attachment_too_large" | "invalid_request"; description: string };

/**
 * Why an operator's attachment cannot go to this provider, decided before anything is uploaded (undefined
 * when it can). Meta has no caption, so the text is never part of this.
 */
export function refuseAttachment(provider: MetaProvider, attachment: Pick<Attachment, "kind" | "sizeBytes" | "fileId">): AttachmentRefusal | undefined {
  const { kind } = attachment;
  if (kind !== "image" && kind !== "file") return { reason: "invalid_request", description: `not sent: ${kind} attachments cannot be sent from the inbox` };
  // Instagram messages carry images and some media, not documents. No reason code says "this messenger does not
  // take documents": attachment_too_large would be untrue and fix_request promises a retry of a fixed request,
  // so this is the generic "the messenger refused this message" (reason.invalid_request), decided without a call.
  if (provider === "instagram" && kind === "file") return { reason: "invalid_request", description: "not sent: Instagram accepts images, not files" };
  if (!attachment.fileId) return { reason: "invalid_request", description: "not sent: the attachment has no stored file" };
  const limit = outboundLimit(kind);
  if ((attachment.sizeBytes ?? 0) > limit) return { reason: "attachment_too_large", description: `not sent: ${kind} over ${limit} bytes` };
  return undefined;
}

/**
 * The file name Meta receives. Instagram does not take non-ASCII file names for uploads (Meta's "Upload Media
 * for Instagram Messaging", Limitations); Messenger shows a file's name to the customer, so there it is kept.
 */
export function uploadFileName(provider: MetaProvider, name: string): string {
  if (provider !== "instagram") return name;
  const dot = name.lastIndexOf(".");
  const cleanExt = dot > 0 ? `.${name.slice(dot + 1).replace(/[^A-Za-z0-9]/g, "")}` : "";
  const ext = cleanExt.length > 1 ? cleanExt : "";
  const base = (dot > 0 ? name.slice(0, dot) : name).replace(/[^\x20-\x7e]/g, "_");
  return `${/[A-Za-z0-9]/.test(base) ? base : "attachment"}${ext}`;
}

/** User Profile API fields (Messenger: by PSID; Instagram through the Page: by IGSID, `username` from v14.0). */
export const PROFILE_FIELDS: Record<MetaProvider, readonly string[]> = {
  messenger: ["first_name", "last_name"],
  instagram: ["name", "username"],
};

const text = (v: unknown): string | undefined => (typeof v === "string" && v.trim() !== "" ? v.trim() : undefined);

/**
 * A contact's name from a User Profile API answer. Meta answers `{}` (or nulls) when the person's profile may
 * not be shown: undefined then, and the contact keeps its placeholder.
 */
export function profileFromGraph(provider: MetaProvider, body: Record<string, unknown>): { displayName: string; username?: string } | undefined {
  if (provider === "messenger") {
    const name = [text(body.first_name), text(body.last_name)].filter(Boolean).join(" ");
    return name ? { displayName: name } : undefined;
  }
  const username = text(body.username)?.replace(/^@/, "");
  const name = text(body.name);
  if (name) return { displayName: name, ...(username ? { username } : {}) };
  return username ? { displayName: `@${username}`, username } : undefined;
}

/**
 * How far a multi-part send got (text, then each attachment), by the send's idempotency key, so that a retry
 * after a temporary failure does not send the parts Meta already accepted again. In memory and bounded: a
 * restart or another worker forgets it, which only brings back the duplicate this avoids.
 */
export class SendProgress {
  /** The ids Meta gave the parts sent so far, in order. */
  private readonly byKey = new Map<string, string[]>();

  constructor(private readonly capacity = 1000) {}

  get(key: string): string[] | undefined {
    return this.byKey.get(key);
  }

  record(key: string, messageIds: string[]): void {
    this.byKey.delete(key);
    this.byKey.set(key, [...messageIds]);
    while (this.byKey.size > this.capacity) this.byKey.delete(this.byKey.keys().next().value!);
  }

  forget(key: string): void {
    this.byKey.delete(key);
  }
}
