// Telegram Bot API webhook (every Update type) for one connected bot.
import { after } from "next/server";
import { handleTelegramWebhook } from "~/server/webhooks/telegram";

export async function POST(request: Request, { params }: { params: Promise<{ channelId: string }> }) {
  const { channelId } = await params;
  const outcome = await handleTelegramWebhook(channelId, request);
  if (outcome.after) after(outcome.after);
  return outcome.response;
}
