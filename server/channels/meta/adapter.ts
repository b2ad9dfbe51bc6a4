import type { Attachment, ChannelSettings, channels } from "../../../db/schema";
import { env } from "../../env.js";
import { logger } from "../../log";
import { downloadAttachment } from "../download";
import type { ChannelAdapter, ClassifiedError, OutboundMessage, SendContext, SendResult } from "../types";
import { callSendApi, callSendApiUpload, getGraphObject, MetaApiError, type SendApiEnvelope } from "./api";
import { classifyMetaError } from "./classify";
import { probeMetaHealth } from "./health";
import { outboundLimit, PROFILE_FIELDS, profileFromGraph, refuseAttachment, SendProgress, uploadFileName } from "./outbound";
import { parseMetaItem, type MetaProvider } from "./parse";
import { decideMessagingType } from "./window";
import type { MetaCredentials } from "./credentials";

type Channel = Pick<typeof channels.$inferSelect, "provider" | "externalId"> & { settings?: ChannelSettings };

type Part = { kind: "text" } | { kind: "attachment"; attachment: Attachment };
type UploadFile = { name: string; mimeType: string; data: Buffer };

/** Parts of a multi-part send Meta already accepted, so that a retry does not send them twice. */
const progress = new SendProgress();

const rejected = (reason: string, description: string): SendResult => ({ ok: false, error: { class: "message_rejected", reason, providerError: { description } } });

/** Failures after which the same send is tried again (the worker keeps it queued); progress is kept only for those. */
const triedAgain = (error: ClassifiedError) => error.class === "retry_later" || error.class === "connection_lost";

async function lookupProfile(provider: MetaProvider, credentials: MetaCredentials, contact: { externalId: string; chatKind: "private" | "group" }) {
  // Checkbox-plugin recipients (user_ref) have no profile node, and Meta has no group chats.
  if (contact.chatKind !== "private" || contact.externalId.startsWith("user_ref:")) return undefined;
  try {
    return profileFromGraph(provider, await getGraphObject(credentials.pageToken, contact.externalId, PROFILE_FIELDS[provider]));
  } catch (error) {
    // A refusal (no profile access, blocked, phone-only account 2018218…) is an answer, not a failure.
    const providerError = error instanceof MetaApiError ? error.providerError : undefined;
    logger.info("meta.profile_unavailable", { provider, code: providerError?.code ?? null, subcode: providerError?.subcode ?? null, httpStatus: providerError?.httpStatus ?? null });
    return undefined;
  }
}

/** Messenger (a Page) and Instagram (a professional account messaged through its linked Page). */
export function metaAdapter(channel: Channel): ChannelAdapter<MetaCredentials> {
  const provider: MetaProvider = channel.provider === "instagram" ? "instagram" : "messenger";

  /**
   * The text as its own message (Meta has no captions), then each attachment uploaded with the Send API's
   * multipart form to the same node. Every refusal we can decide (kind, F7 and Meta size limits, a missing
   * file) is decided before the first call. The message id kept is the last part's.
   */
  async function send(ctx: SendContext<MetaCredentials>, message: OutboundMessage): Promise<SendResult> {
    const decision = decideMessagingType(ctx.lastInboundAt, ctx.now, ctx.channelSettings.humanAgentEnabled === true);
    if (!decision.send) {
      return { ok: false, error: { class: "message_rejected", reason: decision.reason, providerError: { description: "not sent: the customer's messaging window has closed" } } };
    }
    for (const attachment of message.attachments) {
      const refusal = refuseAttachment(provider, attachment);
      if (refusal) return rejected(refusal.reason, refusal.description);
    }
    const hasText = message.text.trim() !== "";
    if (!hasText && message.attachments.length === 0) return rejected("invalid_request", "not sent: the message is empty");

    const sentIds = [...(progress.get(ctx.idempotencyKey) ?? [])];
    const skip = sentIds.length;
    const parts: Part[] = [...(hasText ? [{ kind: "text" as const }] : []), ...message.attachments.map((attachment) => ({ kind: "attachment" as const, attachment }))];
    // Every file still to send is read (and its real size checked) before the first call.
    const files = new Map<number, UploadFile>();
    for (const [i, part] of parts.entries()) {
      if (i < skip || part.kind === "text") continue;
      const kind = part.attachment.kind as "image" | "file";
      const file = await ctx.loadFile(part.attachment.fileId!);
      const refusal = !file ? "missing" : file.data.byteLength > outboundLimit(kind) ? "too_large" : undefined;
      if (!file || refusal) {
        progress.forget(ctx.idempotencyKey);
        return refusal === "too_large" ? rejected("attachment_too_large", `not sent: ${kind} over ${outboundLimit(kind)} bytes`) : rejected("invalid_request", "not sent: the attachment file is missing");
      }
      files.set(i, { name: uploadFileName(provider, file.name), mimeType: file.mimeType, data: file.data });
    }

    // Instagram through the Messenger Platform posts to the linked Page; /me resolves from the token otherwise.
    const node = provider === "instagram" ? (ctx.channelSettings.linkedPageId ?? "me") : ctx.channelExternalId;
    const recipient = ctx.contactExternalId.startsWith("user_ref:") ? { user_ref: ctx.contactExternalId.slice("user_ref:".length) } : { id: ctx.contactExternalId };
    const envelope: SendApiEnvelope =
      decision.messagingType === "RESPONSE" ? { recipient, messaging_type: "RESPONSE" } : { recipient, messaging_type: "MESSAGE_TAG", tag: decision.tag };

    try {
      for (const [i, part] of parts.entries()) {
        if (i < skip) continue;
        const sent =
          part.kind === "text"
            ? await callSendApi(ctx.credentials.pageToken, node, { ...envelope, message: { text: message.text } })
            : await callSendApiUpload(ctx.credentials.pageToken, node, { ...envelope, type: part.attachment.kind as "image" | "file", file: files.get(i)! });
        sentIds.push(sent.message_id);
        if (i < parts.length - 1) progress.record(ctx.idempotencyKey, sentIds);
      }
    } catch (error) {
      if (!(error instanceof MetaApiError)) throw error;
      const classified = classifyMetaError(error.providerError);
      if (!triedAgain(classified)) progress.forget(ctx.idempotencyKey);
      return { ok: false, error: classified };
    }
    progress.forget(ctx.idempotencyKey);
    // Every part's id is kept: Instagram echoes carry no app id, so they are recognised as ours by id.
    return { ok: true, providerMessageId: sentIds.at(-1)!, partMessageIds: sentIds };
  }

  return {
    provider,
    parseEvent: (payload, ctx) => parseMetaItem(payload, provider, { appId: env().META_APP_ID, receivedAt: ctx?.receivedAt }),
    classifyError: classifyMetaError,
    fetchAttachment: (_credentials, attachment) => downloadAttachment(attachment, env().META_MEDIA_HOSTS),
    lookupContact: (credentials, contact) => lookupProfile(provider, credentials, contact),
    probeHealth: (credentials, target) => probeMetaHealth(credentials, { ...target, ...(channel.settings?.linkedPageId ? { linkedPageId: channel.settings.linkedPageId } : {}) }),
    send,
  };
}
