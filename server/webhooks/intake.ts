import type { IncomingMessage, ServerResponse } from "node:http";
import { env } from "../env.js";
import { readNodeBodyWithLimit } from "../http-body";
import { API_CONTENT_SECURITY_POLICY, SECURITY_HEADERS, transportSecurityHeaders } from "../security-headers.js";
import { wakeIngestWorker } from "../queue/ingest-wake";
import { logger } from "../log";
import { handleMetaWebhook } from "./meta";
import { problem } from "../ingest/store-event";
import type { WebhookOutcome, WebhookRequest } from "./read-body";
import { webhookPathProblem } from "./route-guard";
import { handleTelegramWebhook } from "./telegram";
import { handleVkWebhook } from "./vk";

/**
 * Provider webhooks answered on node:http, in front of Next.js (`npm start`'s server, server/launcher/app-server.ts).
 * The acknowledgement is the one request a provider sends hundreds of times a second; Next.js's request pipeline
 * (routing, the proxy, Web Request and stream adaptation) cost more CPU than verifying and storing the event, so
 * the webhook POSTs skip it and call the very handlers the App Router routes call (app/api/webhooks/**), with the
 * same answers. Anything else — GET verification, unknown paths — goes on to Next.js.
 */
const WEBHOOK_PATH = /^\/api\/webhooks\/(telegram|vk|meta)(?:\/([^/]*))?\/?$/;

function nodeRequest(req: IncomingMessage): WebhookRequest {
  return {
    headers: {
      get: (name) => {
        const value = req.headers[name.toLowerCase()];
        return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
      },
    },
    readLimited: (limit) => readNodeBodyWithLimit(req, limit),
  };
}

let securityHeaders: Record<string, string> | undefined;

async function send(res: ServerResponse, response: Response): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer());
  // The same headers next.config gives the App Router's API answers.
  securityHeaders ??= { ...SECURITY_HEADERS, ...transportSecurityHeaders(env().APP_URL), "Content-Security-Policy": API_CONTENT_SECURITY_POLICY };
  const headers: Record<string, string> = { ...securityHeaders, "content-length": String(body.length) };
  response.headers.forEach((value, name) => (headers[name] = value));
  // A body left unread (refused as too large) is not drained over a kept-alive connection.
  if (response.status === 413) headers.connection = "close";
  res.writeHead(response.status, headers);
  res.end(body);
}

async function answer(req: IncomingMessage, res: ServerResponse, provider: string, segment: string | undefined): Promise<void> {
  const path = (req.url ?? "/").split("?")[0]!;
  const refused = webhookPathProblem(path);
  if (refused) return send(res, problem(404, refused));
  const request = nodeRequest(req);
  let outcome: WebhookOutcome;
  if (provider === "meta") outcome = await handleMetaWebhook(request);
  else {
    // webhookPathProblem has checked that the segment decodes to a uuid.
    const channelId = decodeURIComponent(segment ?? "");
    outcome = provider === "telegram" ? await handleTelegramWebhook(channelId, request) : await handleVkWebhook(channelId, request);
  }
  await send(res, outcome.response);
  // The ingest worker takes stored events at once; only a process without one processes them itself.
  const after = outcome.after;
  if (after && !wakeIngestWorker()) void after().catch((error: unknown) => logger.error("webhook.after_failed", { provider, error }));
  if (outcome.settle) void outcome.settle().catch((error: unknown) => logger.error("webhook.after_failed", { provider, error }));
}

/** Answers a provider webhook POST and returns true; false for anything Next.js should answer. */
export function webhookIntake(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method !== "POST" || !req.url) return false;
  const match = WEBHOOK_PATH.exec(req.url.split("?")[0]!);
  if (!match) return false;
  const [, provider, segment] = match;
  if (provider === "meta" ? segment !== undefined : segment === undefined) return false;
  answer(req, res, provider!, segment).catch((error: unknown) => {
    logger.error("webhook.intake_failed", { provider, error });
    if (!res.headersSent) void send(res, problem(500, "internal error")).catch(() => res.destroy());
    else res.destroy();
  });
  return true;
}
