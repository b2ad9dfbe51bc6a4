/** What a Telegram channel keeps sealed in channels.credentials. */
export type TelegramCredentials = { botToken: string; webhookSecret: string };
