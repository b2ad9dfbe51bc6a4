import type { channels } from "../../../db/schema";
import { env } from "../../env.js";
import { downloadAttachment } from "../download";
import type { ChannelAdapter, OutboundMessage, SendContext, SendResult } from "../types";
import { callVkApi, VkApiError } from "./api";
import { classifyVkError } from "./classify";
import { probeVkHealth } from "./health";
import { lookupVkContact } from "./lookup";
import { parseVkCallback } from "./parse";
import { vkOwnMessageKey, vkRandomId } from "./random-id";
import { firstOverLimit, missingFileError, outboundLimitFor, tooLargeError, uploadToVk, VK_MAX_ATTACHMENTS, vkUploadRoute } from "./upload";
import type { VkCredentials } from "./credentials";

type Channel = typeof channels.$inferSelect;

/**
 * Uploads the operator's files (one at a time, so at most one file's bytes are in memory), then sends the text
 * and all of them in one messages.send. Every refusal that can be known without VK comes first, before any call.
 * A retry uploads the files again (VK has no upload dedupe; an unused upload is harmless) but presents the same
 * random_id, so VK still delivers the message once.
 */
async function send(ctx: SendContext<VkCredentials>, message: OutboundMessage, randomId: number): Promise<void> {
  const { attachments } = message;
  const over = firstOverLimit(attachments);
  if (over) throw new VkApiError(tooLargeError(over));
  if (attachments.length > VK_MAX_ATTACHMENTS) throw new VkApiError({ code: "too_many_attachments", description: `VK takes at most ${VK_MAX_ATTACHMENTS} attachments` });
  if (attachments.some((a) => (a.kind !== "image" && a.kind !== "file") || !a.fileId)) throw new VkApiError(missingFileError());

  const refs: string[] = [];
  for (const attachment of attachments) {
    const file = await ctx.loadFile(attachment.fileId!);
    if (!file) throw new VkApiError(missingFileError());
    // The stored size was checked above; the bytes themselves decide too.
    if (file.data.byteLength > outboundLimitFor(attachment)) throw new VkApiError(tooLargeError(attachment));
    refs.push(await uploadToVk(ctx.credentials.accessToken, ctx.contactExternalId, vkUploadRoute({ kind: attachment.kind, mimeType: file.mimeType }), file));
  }
  await callVkApi<number>(ctx.credentials.accessToken, "messages.send", {
    peer_id: ctx.contactExternalId,
    message: message.text,
    ...(refs.length > 0 ? { attachment: refs.join(",") } : {}),
    random_id: randomId,
  }, env().SEND_TIMEOUT_MS);
}

/** The adapter for one VK community; channels.externalId is the community (group) id. */
export function vkAdapter(channel: Pick<Channel, "externalId">): ChannelAdapter<VkCredentials> {
  return {
    provider: "vk",
    parseEvent: (payload, ctx) => parseVkCallback(payload, channel.externalId, { receivedAt: ctx?.receivedAt }),
    classifyError: classifyVkError,
    fetchAttachment: (_credentials, attachment) => downloadAttachment(attachment, env().VK_MEDIA_HOSTS),
    lookupContact: (credentials, contact) => lookupVkContact(credentials.accessToken, channel.externalId, contact),
    probeHealth: probeVkHealth,
    async send(ctx, message): Promise<SendResult> {
      // The same send row always yields the same random_id, so VK drops a retry of a message it already delivered.
      const randomId = vkRandomId(ctx.idempotencyKey);
      try {
        await send(ctx, message, randomId);
        return { ok: true, providerMessageId: vkOwnMessageKey(ctx.contactExternalId, randomId) };
      } catch (error) {
        if (error instanceof VkApiError) return { ok: false, error: classifyVkError(error.providerError) };
        throw error;
      }
    },
  };
}
