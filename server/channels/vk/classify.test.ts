import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { vkProviderError } from "./api";
import { classifyVkError } from "./classify";

const dir = new URL("../../../e2e/fixtures/vk/", import.meta.url);
const fixture = (name: string) => JSON.parse(readFileSync(new URL(name, dir), "utf8")) as unknown;
/** What the adapter sees for a fixture: VK sends every error with HTTP 200, so only the body can tell. */
const classifyFixture = (name: string) => classifyVkError(vkProviderError(200, fixture(name)));

const expected: Record<string, { class: string; reason: string; code: number; retryAfterSeconds?: number }> = {
  "error_5_user_authorization_failed.json": { class: "connection_lost", reason: "token_revoked", code: 5 },
  "error_27_group_auth_invalid_session.json": { class: "connection_lost", reason: "token_revoked", code: 27 },
  "error_27_group_auth_method_unavailable.json": { class: "message_rejected", reason: "fix_request", code: 27 },
  "error_15_access_denied.json": { class: "connection_lost", reason: "permission_missing", code: 15 },
  "error_6_too_many_requests.json": { class: "retry_later", reason: "retrying", code: 6, retryAfterSeconds: 1 },
  "error_9_flood_control.json": { class: "retry_later", reason: "retrying", code: 9, retryAfterSeconds: 60 },
  "error_901_no_permission.json": { class: "message_rejected", reason: "messages_denied", code: 901 },
  "error_902_privacy.json": { class: "message_rejected", reason: "privacy_restricted", code: 902 },
  "error_917_no_chat_access.json": { class: "message_rejected", reason: "no_chat_access", code: 917 },
};

describe("classifyVkError on the VK error fixtures", () => {
  it("has an expectation for every e2e/fixtures/vk/error_*.json file", () => {
    const files = readdirSync(dir).filter((f) => f.startsWith("error_") && f.endsWith(".json"));
    expect(files.length).toBeGreaterThan(0);
    expect(files.sort()).toEqual(Object.keys(expected).sort());
  });

  for (const [file, want] of Object.entries(expected)) {
    it(`${file} → ${want.class} / ${want.reason}`, () => {
      const result = classifyFixture(file);
      expect(result.class).toBe(want.class);
      expect(result.reason).toBe(want.reason);
      expect(result.retryAfterSeconds).toBe(want.retryAfterSeconds);
      expect(result.providerError).toMatchObject({ httpStatus: 200, code: want.code });
      // The provider's message is kept for admins; the echoed request parameters are not.
      expect(result.providerError.description).toBe((fixture(file) as { error: { error_msg: string } }).error.error_msg);
      expect(JSON.stringify(result.providerError)).not.toContain("request_params");
    });
  }
});

describe("classifyVkError beyond the fixtures", () => {
  const classify = (code: number, msg = "") => classifyVkError({ httpStatus: 200, code, description: msg });

  it("retries internal errors (10) and unknown errors (1) with the queue's own backoff", () => {
    expect(classify(10, "Internal server error")).toMatchObject({ class: "retry_later", reason: "retrying" });
    expect(classify(10, "Internal server error").retryAfterSeconds).toBeUndefined();
    expect(classify(1, "Unknown error occurred")).toMatchObject({ class: "retry_later", reason: "retrying" });
  });

  it("treats a bad parameter (100) as a request to fix, not a retry", () => {
    expect(classify(100, "One of the parameters specified was missing or invalid: peer_id is undefined")).toMatchObject({ class: "message_rejected", reason: "fix_request" });
  });

  it("retries when VK did not answer (network error, gateway page without a VK body)", () => {
    expect(classifyVkError({ description: "network error (TimeoutError)" })).toMatchObject({ class: "retry_later", reason: "retrying" });
    // Even after the request left: the retry carries the same random_id, so VK delivers the message once.
    expect(classifyVkError({ description: "network error (timeout)", requestSent: true })).not.toHaveProperty("mayHaveBeenDelivered");
    const gateway = vkProviderError(502, undefined);
    expect(gateway.httpStatus).toBe(502);
    expect(gateway.code).toBeUndefined();
    expect(classifyVkError(gateway)).toMatchObject({ class: "retry_later" });
  });

  it("rejects an unknown code for this message only", () => {
    expect(classify(12345, "Something new")).toMatchObject({ class: "message_rejected", reason: "invalid_request" });
  });
});
