import type { ProviderError } from "../../../db/schema";
import { classifying } from "../classified";
import type { ClassifiedError } from "../types";

const RATE_LIMIT_CODES = new Set([4, 17, 32, 341, 613, 80001, 80002, 80006]);
const OUTSIDE_WINDOW_SUBCODES = new Set([2018278, 2534022, 2018065]);
const AUTH_SUBCODE_REASONS: Record<number, string> = {
  458: "app_not_installed",
  460: "password_changed",
  463: "session_expired",
  467: "session_expired",
  492: "no_role_on_page",
};

/**
 * Graph API errors branch on (code, error_subcode) first and code second (protocols/meta.md §2.5):
 * code 10 alone covers lost permissions, the 24-hour window and thread control, and message texts are
 * not a contract.
 */
export function classifyMetaError(error: ProviderError): ClassifiedError {
  const code = typeof error.code === "number" ? error.code : error.code !== undefined && /^\d+$/.test(String(error.code)) ? Number(error.code) : undefined;
  const sub = error.subcode;
  const result = classifying(error);
  const retry = () => result("retry_later", "retrying", error.retryAfterSeconds !== undefined ? { retryAfterSeconds: error.retryAfterSeconds } : {});

  // No answer after the request left: the Send API takes no idempotency key, so the message may have been
  // delivered and is never repeated by itself.
  if (code === undefined && error.httpStatus === undefined && error.requestSent) return result("retry_later", "retrying", { mayHaveBeenDelivered: true });
  // No Graph error at all: a network failure or a bare 5xx from a proxy.
  if (code === undefined) return error.httpStatus !== undefined && error.httpStatus < 500 && error.httpStatus !== 429 ? result("message_rejected", "invalid_request") : retry();

  if (code === 190 || code === 102) return result("connection_lost", (sub !== undefined && AUTH_SUBCODE_REASONS[sub]) || "session_expired");

  if (sub === 1545041 || sub === 2018108) return result("message_rejected", "user_unavailable");
  if (sub === 2018300 || sub === 2534037) return result("thread_owned_elsewhere", "thread_owned_elsewhere");
  if (OUTSIDE_WINDOW_SUBCODES.has(sub ?? -1)) return result("message_rejected", "outside_window");
  // Instagram link to the Page broken or messages access turned off: only an admin can fix it.
  if (sub === 2534013 || sub === 2534041 || sub === 2534077) return result("connection_lost", "permission_missing");

  if (code === 10 || (code >= 200 && code <= 299)) {
    // Code 10 with an unknown message-level subcode is about this message, not the connection.
    if (code === 10 && sub !== undefined) return result("message_rejected", "invalid_request");
    return result("connection_lost", "permission_missing");
  }
  if (code === 551) return result("message_rejected", "user_unavailable");
  if (code === 613 && sub === 2018338) return result("message_rejected", "invalid_request");
  if (RATE_LIMIT_CODES.has(code) || code === 1 || code === 2 || code === 368) return retry();
  if (code === 100) {
    if (sub === 2018001) return result("message_rejected", "user_unavailable");
    if (sub === 2018109) return result("message_rejected", "attachment_too_large");
    return result("message_rejected", "fix_request");
  }
  if (error.httpStatus !== undefined && error.httpStatus >= 500) return retry();
  return result("message_rejected", "invalid_request");
}
