import type { channels } from "../../../db/schema";
import { env } from "../../env.js";
import { downloadAttachment } from "../download";
import type { ChannelAdapter, SendResult } from "../types";
import { callVkApi, VkApiError } from "./api";
import { classifyVkError } from "./classify";
import { parseVkCallback } from "./parse";
import { vkOwnMessageKey, vkRandomId } from "./random-id";

/** A community access key (with the `messages` right) and the Callback API secret VK puts in each notification. */
export type VkCredentials = { accessToken: string; secret: string };

type Channel = typeof channels.$inferSelect;

/** The adapter for one VK community; channels.externalId is the community (group) id. */
export function vkAdapter(channel: Pick<Channel, "externalId">): ChannelAdapter<VkCredentials> {
  return {
    provider: "vk",
    parseEvent: (payload) => parseVkCallback(payload, channel.externalId),
    classifyError: classifyVkError,
    fetchAttachment: (_credentials, attachment) => downloadAttachment(attachment, env().VK_MEDIA_HOSTS),
    async send(ctx, message): Promise<SendResult> {
      // The same send row always yields the same random_id, so VK drops a retry of a message it already delivered.
      const randomId = vkRandomId(ctx.idempotencyKey);
      try {
        await callVkApi<number>(ctx.credentials.accessToken, "messages.send", {
          peer_id: ctx.contactExternalId,
          message: message.text,
          random_id: randomId,
        });
        return { ok: true, providerMessageId: vkOwnMessageKey(ctx.contactExternalId, randomId) };
      } catch (error) {
        if (error instanceof VkApiError) return { ok: false, error: classifyVkError(error.providerError) };
        throw error;
      }
    },
  };
}
