import type { channels } from "../../db/schema";
import { open } from "../crypto/secret-box";
import { telegramAdapter, type TelegramCredentials } from "./telegram/adapter";
import type { ChannelAdapter } from "./types";

type Channel = typeof channels.$inferSelect;

/** The adapter for a channel, with its credentials unsealed. Credentials never leave the server. */
export function adapterFor(channel: Channel): { adapter: ChannelAdapter<unknown>; credentials: unknown } | undefined {
  switch (channel.provider) {
    case "telegram":
      return { adapter: telegramAdapter(channel.externalId) as ChannelAdapter<unknown>, credentials: open<TelegramCredentials>(channel.credentials) };
    default:
      return undefined;
  }
}
