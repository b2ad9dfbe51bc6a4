// Meta webhook (Messenger object "page", Instagram object "instagram", "permissions" changes) for every connected Page and Instagram account.
import { after } from "next/server";
import { wakeIngestWorker } from "~/server/queue/ingest-wake";
import { handleMetaVerification, handleMetaWebhook } from "~/server/webhooks/meta";

export function GET(request: Request) {
  return handleMetaVerification(request);
}

export async function POST(request: Request) {
  const outcome = await handleMetaWebhook(request);
  // The ingest worker takes stored events at once; only a process without one processes them itself.
  if (outcome.after && !wakeIngestWorker()) after(outcome.after);
  return outcome.response;
}
