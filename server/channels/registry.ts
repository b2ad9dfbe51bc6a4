import type { channels } from "../../db/schema";
import { open } from "../crypto/secret-box";
import { metaAdapter } from "./meta/adapter";
import type { MetaCredentials } from "./meta/credentials";
import { telegramAdapter } from "./telegram/adapter";
import type { TelegramCredentials } from "./telegram/credentials";
import type { ChannelAdapter } from "./types";
import { vkAdapter } from "./vk/adapter";
import type { VkCredentials } from "./vk/credentials";

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
