import type { ProviderError } from "../../../db/schema";
import { classifying } from "../classified";
import type { ClassifiedError } from "../types";

/**
 * VK errors are told apart by `error_code` (errors.json of VKCOM/vk-api-schema); only code 27 needs the
 * message text, because VK uses it both for "wrong kind of token for this method" and for a dead session.
 */
export function classifyVkError(error: ProviderError): ClassifiedError {
  const code = typeof error.code === "number" ? error.code : undefined;
  const text = (error.description ?? "").toLowerCase();
  const result = classifying(error);

  // Refusals decided before or outside the API (string codes, set by the adapter, see upload.ts).
  switch (error.code) {
    case "attachment_too_large": // over F7's outbound limit (checked before any call), or the upload server's HTTP 413
      return result("message_rejected", "attachment_too_large");
    case "attachment_missing": // the operator's stored file is gone: no retry brings it back
      return result("message_rejected", "invalid_request");
    case "too_many_attachments": // over messages.send's 10: the same message would be refused every time
      return result("message_rejected", "fix_request");
    case "upload_failed": // the upload server's own error (not an API error): a fresh upload_url on the next attempt
      return result("retry_later", "retrying");
  }
  // No VK error object: network failure, timeout (even after the request left) or a gateway page. random_id makes
  // the retry safe: VK delivers a message once per random_id.
  if (code === undefined) return result("retry_later", "retrying");
  switch (code) {
    // 5: the community key was deleted or invalidated (VK pushes nothing; the next call fails). 28: same for app keys.
    case 5:
    case 28:
      return result("connection_lost", "token_revoked");
    case 27:
      // "Group authorization failed: invalid session." is a dead key: the admin must reconnect. The other
      // variant ("method is unavailable with group auth") is our bug — asking the admin to reconnect would not help.
      if (text.includes("invalid")) return result("connection_lost", "token_revoked");
      return result("message_rejected", "fix_request");
    // 15 (Access denied) and 7 (no permission): decided as connection_lost. A refusal that concerns one
    // recipient has its own 9xx code (901/902/917…); 15/7 on messages.send mean the key lacks the
    // `messages` right or community messages were switched off, so every send would fail the same way.
    // Parking the queue until an admin fixes the key loses nothing; failing each reply would.
    case 7:
    case 15:
      return result("connection_lost", "permission_missing");
    // 6: more than 20 requests/s per community key; VK libraries pause about a second and re-queue.
    case 6:
      return result("retry_later", "retrying", { retryAfterSeconds: 1 });
    // 9: flood control for identical actions; hot retries make it worse, so back off for a minute.
    case 9:
      return result("retry_later", "retrying", { retryAfterSeconds: 60 });
    // 1 unknown error, 10 internal server error: transient on VK's side; the queue's backoff applies.
    case 1:
    case 10:
      return result("retry_later", "retrying");
    case 901:
      // Until the customer allows messages (message_allow) or writes first.
      return result("message_rejected", "messages_denied");
    case 902:
      return result("message_rejected", "privacy_restricted");
    // 917: the community was removed from the chat; 945/946: the chat was disabled or is not supported.
    case 917:
    case 945:
    case 946:
      return result("message_rejected", "no_chat_access");
    // 18: the user was deleted or banned; 900: the user is in the community's blacklist.
    case 18:
    case 900:
      return result("message_rejected", "user_unavailable");
    // 100: a parameter is missing or invalid; 914: the message is too long. Retrying unchanged cannot help.
    case 100:
    case 914:
      return result("message_rejected", "fix_request");
    default:
      return result("message_rejected", "invalid_request");
  }
}
