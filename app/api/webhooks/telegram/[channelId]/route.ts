// Telegram Bot API webhook (every Update type) for one connected bot.
import { after } from "next/server";
import { wakeIngestWorker } from "~/server/queue/ingest-wake";
import { handleTelegramWebhook } from "~/server/webhooks/telegram";
import { problem } from "~/server/ingest/store-event";
import { routeChannelId } from "~/server/webhooks/read-body";

export async function POST(request: Request, { params }: { params: Promise<{ channelId: string }> }) {
  const channelId = await routeChannelId(params);
  if (!channelId) return problem(404, "unknown channel");
  const outcome = await handleTelegramWebhook(channelId, request);
  // The ingest worker takes stored events at once; only a process without one processes them itself.
  if (outcome.after && !wakeIngestWorker()) after(outcome.after);
  return outcome.response;
}
