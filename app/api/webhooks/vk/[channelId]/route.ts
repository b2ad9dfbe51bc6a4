// VK Callback API (confirmation handshake and every community event) for one connected community.
import { after } from "next/server";
import { wakeIngestWorker } from "~/server/queue/ingest-wake";
import { handleVkWebhook } from "~/server/webhooks/vk";
import { problem } from "~/server/ingest/store-event";
import { routeChannelId } from "~/server/webhooks/read-body";

export async function POST(request: Request, { params }: { params: Promise<{ channelId: string }> }) {
  const channelId = await routeChannelId(params);
  if (!channelId) return problem(404, "unknown channel");
  const outcome = await handleVkWebhook(channelId, request);
  // The ingest worker takes stored events at once; only a process without one processes them itself.
  if (outcome.after && !wakeIngestWorker()) after(outcome.after);
  if (outcome.settle) after(outcome.settle);
  return outcome.response;
}
