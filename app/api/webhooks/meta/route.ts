// Meta webhook (Messenger object "page", Instagram object "instagram", "permissions" changes) for every connected Page and Instagram account.
import { after } from "next/server";
import { handleMetaVerification, handleMetaWebhook } from "~/server/webhooks/meta";

export function GET(request: Request) {
  return handleMetaVerification(request);
}

export async function POST(request: Request) {
  const outcome = await handleMetaWebhook(request);
  if (outcome.after) after(outcome.after);
  return outcome.response;
}
