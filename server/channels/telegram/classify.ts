import type { ProviderError } from "../../../db/schema";
import { classifying } from "../classified";
import type { ClassifiedError } from "../types";

/**
 * Telegram has no subcodes: the HTTP-like error_code decides the class, and within 403/400 the
 * server's fixed description strings (tdlib/telegram-bot-api Client.cpp) tell the cases apart.
 */
export function classifyTelegramError(error: ProviderError): ClassifiedError {
  if (error.code === "attachment_too_large") return { class: "message_rejected", reason: "attachment_too_large", providerError: error };
  const code = typeof error.code === "number" ? error.code : error.httpStatus;
  const text = (error.description ?? "").toLowerCase();
  const result = classifying(error);

  if (error.description === "attachment file is missing") return result("message_rejected", "invalid_request");
  // No answer. Telegram takes no idempotency key: a request that left may have delivered the message, so it is
  // never repeated by itself; one that never left is retried.
  if (code === undefined) return result("retry_later", "retrying", error.requestSent ? { mayHaveBeenDelivered: true } : {});
  if (code === 401 || code === 404) return result("connection_lost", "token_revoked");
  if (code === 429) return result("retry_later", "retrying", { retryAfterSeconds: error.retryAfterSeconds ?? 1 });
  if (code === 403) {
    if (text.includes("blocked by the user")) return result("message_rejected", "blocked_by_user");
    if (text.includes("kicked") || text.includes("not a member") || text.includes("chat was deleted")) return result("message_rejected", "removed_from_chat");
    if (text.includes("can't initiate")) return result("message_rejected", "cannot_initiate");
    return result("message_rejected", "invalid_request");
  }
  if (code === 400) {
    if (error.migrateToChatId) return result("retry_later", "retrying", { migrateToChatId: error.migrateToChatId, retryAfterSeconds: 0 });
    if (text.includes("chat not found")) return result("message_rejected", "chat_not_found");
    return result("message_rejected", "invalid_request");
  }
  if (code === 409) return result("connection_lost", "webhook_replaced");
  if (code >= 500) return result("retry_later", "retrying");
  return result("message_rejected", "invalid_request");
}
