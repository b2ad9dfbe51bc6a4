import type { channels } from "../../../db/schema";
import { env } from "../../env.js";
import { downloadAttachment } from "../download";
import type { ChannelAdapter, SendResult } from "../types";
import { callSendApi, MetaApiError, type SendApiRequest } from "./api";
import { classifyMetaError } from "./classify";
import { parseMetaItem, type MetaProvider } from "./parse";
import { decideMessagingType } from "./window";

export type MetaCredentials = { pageToken: string };

type Channel = Pick<typeof channels.$inferSelect, "provider" | "externalId">;

/** Messenger (a Page) and Instagram (a professional account messaged through its linked Page). */
export function metaAdapter(channel: Channel): ChannelAdapter<MetaCredentials> {
  const provider: MetaProvider = channel.provider === "instagram" ? "instagram" : "messenger";
  return {
    provider,
    parseEvent: (payload) => parseMetaItem(payload, provider, { appId: env().META_APP_ID }),
    classifyError: classifyMetaError,
    fetchAttachment: (_credentials, attachment) => downloadAttachment(attachment, env().META_MEDIA_HOSTS),
    async send(ctx, message): Promise<SendResult> {
      const decision = decideMessagingType(ctx.lastInboundAt, ctx.now, ctx.channelSettings.humanAgentEnabled === true);
      if (!decision.send) {
        return { ok: false, error: { class: "message_rejected", reason: decision.reason, providerError: { description: "not sent: the customer's messaging window has closed" } } };
      }
      if (!message.text.trim()) {
        return { ok: false, error: { class: "message_rejected", reason: "fix_request", providerError: { description: "not sent: sending attachments to Meta is not supported yet" } } };
      }
      // Instagram through the Messenger Platform posts to the linked Page; /me resolves from the token otherwise.
      const node = provider === "instagram" ? (ctx.channelSettings.linkedPageId ?? "me") : ctx.channelExternalId;
      const recipient = ctx.contactExternalId.startsWith("user_ref:") ? { user_ref: ctx.contactExternalId.slice("user_ref:".length) } : { id: ctx.contactExternalId };
      const body: SendApiRequest =
        decision.messagingType === "RESPONSE"
          ? { recipient, messaging_type: "RESPONSE", message: { text: message.text } }
          : { recipient, messaging_type: "MESSAGE_TAG", tag: decision.tag, message: { text: message.text } };
      try {
        const sent = await callSendApi(ctx.credentials.pageToken, node, body);
        return { ok: true, providerMessageId: sent.message_id };
      } catch (error) {
        if (error instanceof MetaApiError) return { ok: false, error: classifyMetaError(error.providerError) };
        throw error;
      }
    },
  };
}
