import type { channels } from "../../db/schema";
import { open } from "../crypto/secret-box";
import { metaAdapter, type MetaCredentials } from "./meta/adapter";
import { telegramAdapter, type TelegramCredentials } from "./telegram/adapter";
import type { ChannelAdapter } from "./types";
import { vkAdapter, type VkCredentials } from "./vk/adapter";

type Channel = typeof channels.$inferSelect;

/** The adapter for a channel, with its credentials unsealed. Credentials never leave the server. */
export function adapterFor(channel: Channel): { adapter: ChannelAdapter<unknown>; credentials: unknown } | undefined {
  switch (channel.provider) {
    case "telegram":
      return { adapter: telegramAdapter(channel.externalId) as ChannelAdapter<unknown>, credentials: open<TelegramCredentials>(channel.credentials) };
    case "messenger":
    case "instagram":
      return { adapter: metaAdapter(channel) as ChannelAdapter<unknown>, credentials: open<MetaCredentials>(channel.credentials) };
    case "vk":
      return { adapter: vkAdapter(channel) as ChannelAdapter<unknown>, credentials: open<VkCredentials>(channel.credentials) };
    default:
      return undefined;
  }
}
