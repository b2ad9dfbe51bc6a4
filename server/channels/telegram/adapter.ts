import type { ChannelAdapter, SendResult } from "../types";
import { callBotApi, TelegramApiError } from "./api";
import { classifyTelegramError } from "./classify";
import { parseTelegramUpdate } from "./parse";

export type TelegramCredentials = { botToken: string; webhookSecret: string };

export function telegramAdapter(botId: string): ChannelAdapter<TelegramCredentials> {
  return {
    provider: "telegram",
    parseEvent: (payload) => parseTelegramUpdate(payload, botId),
    classifyError: classifyTelegramError,
    async send(ctx, message): Promise<SendResult> {
      try {
        const sent = await callBotApi<{ message_id: number; chat: { id: number } }>(ctx.credentials.botToken, "sendMessage", {
          chat_id: ctx.contactExternalId,
          text: message.text,
        });
        return { ok: true, providerMessageId: `${sent.chat.id}:${sent.message_id}` };
      } catch (error) {
        if (error instanceof TelegramApiError) return { ok: false, error: classifyTelegramError(error.providerError) };
        throw error;
      }
    },
  };
}
