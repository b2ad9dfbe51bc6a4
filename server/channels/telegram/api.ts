import { env } from "../../env.js";
import type { ProviderError } from "../../../db/schema";
import { limitedDownload } from "../download";
import { NoAnswerError, requestWithDeadline } from "../http-request";
import type { ProviderFileBody } from "../types";

/** A Bot API refusal (`ok: false`) or a transport failure, without the token-bearing URL. */
export class TelegramApiError extends Error {
  constructor(readonly providerError: ProviderError) {
    super(`Telegram API error ${providerError.code ?? "network"}: ${providerError.description ?? ""}`);
    this.name = "TelegramApiError";
  }
}

type BotApiResponse<T> =
  | { ok: true; result: T; description?: string }
  | { ok: false; error_code: number; description: string; parameters?: { retry_after?: number; migrate_to_chat_id?: number } };

/**
 * Calls a Bot API method at TELEGRAM_API_BASE_URL. The URL carries the token, so it is never logged
 * and never put into an error. No answer within the deadline is a TelegramApiError that says whether the
 * request had left (`requestSent`): Telegram may then have acted on it.
 */
export async function callBotApi<T>(token: string, method: string, params: Record<string, unknown> | FormData, timeoutMs = 15_000): Promise<T> {
  let response: Response;
  try {
    const multipart = params instanceof FormData;
    response = await requestWithDeadline(
      `${env().TELEGRAM_API_BASE_URL}/bot${token}/${method}`,
      // The multipart encoder sets the content type with its boundary.
      multipart ? { method: "POST", body: params } : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(params) },
      multipart ? Math.max(120_000, timeoutMs) : timeoutMs,
    );
  } catch (error) {
    if (error instanceof NoAnswerError) throw new TelegramApiError({ description: `network error (${error.reason})`, requestSent: error.requestSent });
    throw new TelegramApiError({ description: `network error (${error instanceof Error ? error.name : "Error"})` });
  }
  let body: BotApiResponse<T> | undefined;
  try {
    body = (await response.json()) as BotApiResponse<T>;
  } catch {
    body = undefined;
  }
  if (body && body.ok) return body.result;
  throw new TelegramApiError({
    httpStatus: response.status,
    code: body?.error_code ?? response.status,
    description: body?.description ?? `HTTP ${response.status}`,
    retryAfterSeconds: body?.parameters?.retry_after,
    migrateToChatId: body?.parameters?.migrate_to_chat_id !== undefined ? String(body.parameters.migrate_to_chat_id) : undefined,
  });
}

/**
 * Opens a file's download by its file_path (from getFile): its bytes stop at `maxBytes`, and a download that
 * declares more is refused unread ("file larger than the limit"). The URL carries the token, so errors never include it.
 */
export async function downloadBotFile(token: string, filePath: string, maxBytes: number): Promise<ProviderFileBody> {
  let response: Response;
  try {
    response = await fetch(`${env().TELEGRAM_API_BASE_URL}/file/bot${token}/${filePath}`, { signal: AbortSignal.timeout(120_000) });
  } catch (error) {
    throw new TelegramApiError({ description: `network error (${error instanceof Error ? error.name : "Error"})` });
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw new TelegramApiError({ httpStatus: response.status, code: response.status, description: `file download HTTP ${response.status}` });
  }
  const download = await limitedDownload(response, maxBytes);
  if (!download.ok) throw new TelegramApiError({ description: "file larger than the limit" });
  return download.body;
}
