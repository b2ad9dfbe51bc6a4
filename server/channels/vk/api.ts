import { env } from "../../env.js";
import type { ProviderError } from "../../../db/schema";

/** A VK API refusal (`{"error": …}`, which VK sends with HTTP 200) or a transport failure. */
export class VkApiError extends Error {
  constructor(readonly providerError: ProviderError) {
    super(`VK API error ${providerError.code ?? "network"}: ${providerError.description ?? ""}`);
    this.name = "VkApiError";
  }
}

type VkErrorBody = { error_code?: unknown; error_msg?: unknown; error_subcode?: unknown };

/**
 * The ProviderError for a VK answer that carried no `response`. VK reports every API error with HTTP 200
 * and `{"error": {error_code, error_msg, request_params}}`, so the body decides, never the status.
 * `request_params` is dropped: it echoes the request (the message text), which must not be stored.
 */
export function vkProviderError(httpStatus: number, body: unknown): ProviderError {
  const error = typeof body === "object" && body !== null && "error" in body ? (body as { error: VkErrorBody }).error : undefined;
  if (error && typeof error === "object" && typeof error.error_code === "number") {
    return {
      httpStatus,
      code: error.error_code,
      subcode: typeof error.error_subcode === "number" ? error.error_subcode : undefined,
      description: typeof error.error_msg === "string" ? error.error_msg : undefined,
    };
  }
  // No VK error object: a proxy or gateway answered (VK itself always sends 200 + JSON). No code, so it is transient.
  return { httpStatus, description: `HTTP ${httpStatus} without a VK response` };
}

/**
 * Calls a VK API method: POST form-encoded to {VK_API_BASE_URL}/method/{method} with the pinned API
 * version. The token travels in the body, not the URL, so it never shows up in URLs or errors.
 */
export async function callVkApi<T>(token: string, method: string, params: Record<string, string | number>, timeoutMs = 15_000): Promise<T> {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) form.set(key, String(value));
  form.set("access_token", token);
  form.set("v", env().VK_API_VERSION);
  let response: Response;
  try {
    response = await fetch(`${env().VK_API_BASE_URL}/method/${method}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: form,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const name = error instanceof Error ? error.name : "Error";
    throw new VkApiError({ description: `network error (${name})` });
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  if (typeof body === "object" && body !== null && "response" in body) return (body as { response: T }).response;
  throw new VkApiError(vkProviderError(response.status, body));
}
