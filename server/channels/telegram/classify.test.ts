import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { ProviderError } from "../../../db/schema";
import { classifyTelegramError } from "./classify";

/** The Bot API error body as the API client turns it into a ProviderError. */
function fromFixture(name: string): ProviderError {
  const body = JSON.parse(readFileSync(new URL(`../../../e2e/fixtures/telegram/${name}`, import.meta.url), "utf8")) as {
    error_code: number;
    description: string;
    parameters?: { retry_after?: number; migrate_to_chat_id?: number };
  };
  return {
    httpStatus: body.error_code,
    code: body.error_code,
    description: body.description,
    retryAfterSeconds: body.parameters?.retry_after,
    migrateToChatId: body.parameters?.migrate_to_chat_id !== undefined ? String(body.parameters.migrate_to_chat_id) : undefined,
  };
}

describe("classifyTelegramError", () => {
  it.each([
    ["error_401_unauthorized.json", "connection_lost", "token_revoked"],
    ["error_403_blocked_by_user.json", "message_rejected", "blocked_by_user"],
    ["error_403_kicked_from_group.json", "message_rejected", "removed_from_chat"],
    ["error_403_kicked_from_supergroup.json", "message_rejected", "removed_from_chat"],
    ["error_403_cant_initiate.json", "message_rejected", "cannot_initiate"],
    ["error_400_chat_not_found.json", "message_rejected", "chat_not_found"],
    ["error_409_conflict_getupdates.json", "connection_lost", "webhook_replaced"],
    ["error_409_conflict_webhook_active.json", "connection_lost", "webhook_replaced"],
  ])("%s → %s / %s", (file, cls, reason) => {
    expect(classifyTelegramError(fromFixture(file))).toMatchObject({ class: cls, reason });
  });

  it("error_429_too_many_requests.json → retry later, after retry_after", () => {
    expect(classifyTelegramError(fromFixture("error_429_too_many_requests.json"))).toMatchObject({ class: "retry_later", retryAfterSeconds: 35 });
  });

  it("error_400_group_migrated.json → retry at once to the supergroup", () => {
    expect(classifyTelegramError(fromFixture("error_400_group_migrated.json"))).toMatchObject({ class: "retry_later", migrateToChatId: "-1001987654321", retryAfterSeconds: 0 });
  });

  it("treats network failures and 5xx as temporary", () => {
    expect(classifyTelegramError({ description: "network error (TimeoutError)" }).class).toBe("retry_later");
    expect(classifyTelegramError({ httpStatus: 502, code: 502, description: "Bad Gateway" }).class).toBe("retry_later");
  });

  it("no answer after the request left may have delivered the message (no idempotency key): never retried by itself", () => {
    expect(classifyTelegramError({ description: "network error (timeout)", requestSent: true })).toMatchObject({ class: "retry_later", mayHaveBeenDelivered: true });
    expect(classifyTelegramError({ description: "network error (ECONNRESET)", requestSent: true }).mayHaveBeenDelivered).toBe(true);
    // Never connected (refused, DNS, a handshake that never ended): nothing reached Telegram, so it is retried.
    expect(classifyTelegramError({ description: "network error (ECONNREFUSED)", requestSent: false })).not.toHaveProperty("mayHaveBeenDelivered");
    // An answer, even a 5xx, says what happened.
    expect(classifyTelegramError({ httpStatus: 502, code: 502, description: "Bad Gateway", requestSent: true })).not.toHaveProperty("mayHaveBeenDelivered");
  });
});
