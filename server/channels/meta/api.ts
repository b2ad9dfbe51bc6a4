import type { ProviderError } from "../../../db/schema";
import { env } from "../../env.js";

/** A Graph API refusal or a transport failure. Carries no token and no request body. */
export class MetaApiError extends Error {
  constructor(readonly providerError: ProviderError) {
    super(`Meta Graph API error ${providerError.code ?? "network"}${providerError.subcode !== undefined ? `/${providerError.subcode}` : ""}`);
    this.name = "MetaApiError";
  }
}

type GraphError = { message?: string; type?: string; code?: number; error_subcode?: number; is_transient?: boolean; fbtrace_id?: string };

/** Retry-After is seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

/** X-Business-Use-Case-Usage: {"<id>":[{type, estimated_time_to_regain_access (minutes)…}]} (protocols/meta.md §2.3). */
function regainAccessSeconds(value: string | null): number | undefined {
  if (!value) return undefined;
  try {
    const usage = JSON.parse(value) as Record<string, { estimated_time_to_regain_access?: number }[]>;
    const minutes = Object.values(usage)
      .flat()
      .map((u) => u.estimated_time_to_regain_access ?? 0);
    const max = Math.max(0, ...minutes);
    return max > 0 ? max * 60 : undefined;
  } catch {
    return undefined;
  }
}

export type SendApiRequest = {
  recipient: { id: string } | { user_ref: string };
  messaging_type: "RESPONSE" | "MESSAGE_TAG";
  tag?: "HUMAN_AGENT";
  message: { text: string };
};

/**
 * POST {base}/{version}/{node}/messages. The Page token goes in the Authorization header so that it never
 * appears in a URL (and so never in a proxy or error log).
 */
export async function callSendApi(pageToken: string, node: string, body: SendApiRequest, timeoutMs = 15_000): Promise<{ recipient_id?: string; message_id: string }> {
  const { META_GRAPH_API_BASE_URL, META_GRAPH_API_VERSION } = env();
  let response: Response;
  try {
    response = await fetch(`${META_GRAPH_API_BASE_URL}/${META_GRAPH_API_VERSION}/${encodeURIComponent(node)}/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${pageToken}` },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const name = error instanceof Error ? error.name : "Error";
    throw new MetaApiError({ description: `network error (${name})` });
  }
  let parsed: { error?: GraphError; message_id?: string; recipient_id?: string } | undefined;
  try {
    parsed = (await response.json()) as typeof parsed;
  } catch {
    parsed = undefined;
  }
  if (response.ok && parsed && typeof parsed.message_id === "string") return { recipient_id: parsed.recipient_id, message_id: parsed.message_id };
  const graph = parsed?.error;
  const retryAfterSeconds = parseRetryAfter(response.headers.get("retry-after")) ?? regainAccessSeconds(response.headers.get("x-business-use-case-usage"));
  throw new MetaApiError({
    httpStatus: response.status,
    ...(typeof graph?.code === "number" ? { code: graph.code } : {}),
    ...(typeof graph?.error_subcode === "number" ? { subcode: graph.error_subcode } : {}),
    description: graph?.message ?? `HTTP ${response.status}`,
    ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
  });
}
