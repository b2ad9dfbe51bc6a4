// Webhook paths (Telegram, VK, Meta): a channel id of any bytes that is not a uuid gets 404 before routing.
import { webhookNotFound, webhookPathProblem } from "~/server/webhooks/route-guard";

export function proxy(request: Request) {
  const reason = webhookPathProblem(new URL(request.url).pathname);
  return reason ? webhookNotFound(reason) : undefined;
}

// Only the webhook routes; the Meta route itself (no sub-path) never passes through here.
export const config = { matcher: ["/api/webhooks/telegram/:path*", "/api/webhooks/vk/:path*", "/api/webhooks/meta/:path+"] };
