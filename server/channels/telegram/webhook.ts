import { env } from "../../env.js";
import { callBotApi } from "./api";

/** getMe's User, the fields read when a bot is connected (https://core.telegram.org/bots/api#getme). */
export type TelegramBot = { id: number; is_bot?: boolean; first_name: string; username?: string };

/** getWebhookInfo's WebhookInfo, the fields read after setWebhook. */
export type TelegramWebhookInfo = { url: string; pending_update_count?: number; max_connections?: number; allowed_updates?: string[] };

/**
 * The update types the product handles (server/channels/telegram/parse.ts): messages and their edits, button
 * presses, and the bot being blocked / added / removed. Anything else Telegram would only send to be ignored.
 */
export const TELEGRAM_ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"] as const;

/** A BotFather token: the bot's numeric id, a colon, and a 35-character secret (letters, digits, _ and -). */
const TOKEN_SHAPE = /^(\d{3,20}):[A-Za-z0-9_-]{20,100}$/;

export function telegramTokenShape(token: string): { botId: string } | undefined {
  const match = TOKEN_SHAPE.exec(token);
  return match ? { botId: match[1]! } : undefined;
}

export function getTelegramBot(token: string): Promise<TelegramBot> {
  return callBotApi<TelegramBot>(token, "getMe", {}, 10_000);
}

/**
 * Points the bot's updates at our webhook with a per-channel secret (sent back in
 * X-Telegram-Bot-Api-Secret-Token), only the update types we handle, and TELEGRAM_WEBHOOK_MAX_CONNECTIONS
 * parallel deliveries. Pending updates are kept: a bot moved to us does not lose what customers already wrote.
 */
export async function setTelegramWebhook(token: string, url: string, secretToken: string): Promise<void> {
  await callBotApi<boolean>(token, "setWebhook", {
    url,
    secret_token: secretToken,
    allowed_updates: [...TELEGRAM_ALLOWED_UPDATES],
    max_connections: env().TELEGRAM_WEBHOOK_MAX_CONNECTIONS,
    drop_pending_updates: false,
  });
}

export function getTelegramWebhookInfo(token: string): Promise<TelegramWebhookInfo> {
  return callBotApi<TelegramWebhookInfo>(token, "getWebhookInfo", {}, 10_000);
}

/** Stops Telegram delivering to us. drop_pending_updates stays false: what waits in Telegram's queue is kept. */
export async function deleteTelegramWebhook(token: string): Promise<void> {
  await callBotApi<boolean>(token, "deleteWebhook", { drop_pending_updates: false });
}
