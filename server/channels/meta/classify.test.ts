import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { ProviderError } from "../../../db/schema";
import { parseRetryAfter } from "./api";
import { classifyMetaError } from "./classify";

const dir = new URL("../../../e2e/fixtures/meta/", import.meta.url);

/** The ProviderError the Send API client builds from an HTTP 400 body (see api.ts). */
function fromFixture(name: string, extra: Partial<ProviderError> = {}): ProviderError {
  const { error } = JSON.parse(readFileSync(new URL(name, dir), "utf8")) as { error: { message: string; code: number; error_subcode?: number } };
  return { httpStatus: 400, code: error.code, ...(error.error_subcode !== undefined ? { subcode: error.error_subcode } : {}), description: error.message, ...extra };
}

// The "Intended class" column of e2e/fixtures/meta/README.md, in this codebase's classes and reason codes.
const expected: [file: string, cls: string, reason: string][] = [
  ["send-error-10-2018300-thread-controlled-by-other-app.json", "thread_owned_elsewhere", "thread_owned_elsewhere"],
  ["send-error-10-2018278-outside-window.json", "message_rejected", "outside_window"],
  ["send-error-10-2534022-ig-outside-window.json", "message_rejected", "outside_window"],
  ["send-error-190-460-password-changed.json", "connection_lost", "password_changed"],
  ["send-error-190-463-expired.json", "connection_lost", "session_expired"],
  ["send-error-190-467-invalid-session.json", "connection_lost", "session_expired"],
  ["send-error-190-458-app-not-installed.json", "connection_lost", "app_not_installed"],
  ["send-error-190-492-no-role-on-page.json", "connection_lost", "no_role_on_page"],
  ["send-error-200-permission.json", "connection_lost", "permission_missing"],
  ["send-error-551-user-unavailable.json", "message_rejected", "user_unavailable"],
  ["send-error-613-rate-limit.json", "retry_later", "retrying"],
  ["send-error-100-invalid-parameter.json", "message_rejected", "fix_request"],
  ["send-error-2-transient.json", "retry_later", "retrying"],
  ["send-error-4-app-rate-limit.json", "retry_later", "retrying"],
];

describe("Meta Send API error classification", () => {
  it("covers every send-error-*.json fixture", () => {
    const files = readdirSync(dir).filter((f) => /^send-error-.*\.json$/.test(f));
    expect(files.sort()).toEqual(expected.map(([f]) => f).sort());
  });

  it.each(expected)("%s → %s / %s", (file, cls, reason) => {
    const result = classifyMetaError(fromFixture(file));
    expect(result).toMatchObject({ class: cls, reason });
    expect(result.providerError.code).toBe(fromFixture(file).code);
  });

  it("decides by code and subcode, not by the message text (send-error-10-2018300 with its text removed)", () => {
    expect(classifyMetaError(fromFixture("send-error-10-2018300-thread-controlled-by-other-app.json", { description: "" }))).toMatchObject({ class: "thread_owned_elsewhere" });
    // The same code 10 means three different things depending on the subcode.
    expect(classifyMetaError({ code: 10 })).toMatchObject({ class: "connection_lost", reason: "permission_missing" });
    expect(classifyMetaError({ code: 10, subcode: 2018278 })).toMatchObject({ class: "message_rejected", reason: "outside_window" });
    expect(classifyMetaError({ code: 10, subcode: 999 })).toMatchObject({ class: "message_rejected" });
  });

  it("keeps the Retry-After of send-error-613-rate-limit.json", () => {
    expect(classifyMetaError(fromFixture("send-error-613-rate-limit.json", { retryAfterSeconds: 120 }))).toMatchObject({ class: "retry_later", retryAfterSeconds: 120 });
    expect(classifyMetaError(fromFixture("send-error-613-rate-limit.json")).retryAfterSeconds).toBeUndefined();
  });

  it("retries the BUC throttles 80006 (Messenger) and 80002 (Instagram), network failures and bare 5xx", () => {
    expect(classifyMetaError({ httpStatus: 400, code: 80006 }).class).toBe("retry_later");
    expect(classifyMetaError({ httpStatus: 400, code: 80002 }).class).toBe("retry_later");
    expect(classifyMetaError({ description: "network error (TimeoutError)" }).class).toBe("retry_later");
    expect(classifyMetaError({ httpStatus: 502 }).class).toBe("retry_later");
    expect(classifyMetaError({ httpStatus: 500, code: 12345 }).class).toBe("retry_later");
  });

  it("no answer after the request left may have delivered the message (the Send API takes no idempotency key)", () => {
    expect(classifyMetaError({ description: "network error (timeout)", requestSent: true })).toMatchObject({ class: "retry_later", mayHaveBeenDelivered: true });
    expect(classifyMetaError({ description: "network error (ENOTFOUND)", requestSent: false })).not.toHaveProperty("mayHaveBeenDelivered");
    expect(classifyMetaError({ httpStatus: 502, requestSent: true })).not.toHaveProperty("mayHaveBeenDelivered");
  });

  it("treats an unknown 190 subcode as a lost session and 200/1545041 as the recipient, not the connection", () => {
    expect(classifyMetaError({ code: 190 })).toMatchObject({ class: "connection_lost", reason: "session_expired" });
    expect(classifyMetaError({ code: 190, subcode: 464 })).toMatchObject({ class: "connection_lost" });
    expect(classifyMetaError({ code: 200, subcode: 1545041 })).toMatchObject({ class: "message_rejected", reason: "user_unavailable" });
    expect(classifyMetaError({ code: 100, subcode: 2534037 })).toMatchObject({ class: "thread_owned_elsewhere" });
  });
});

describe("Retry-After", () => {
  it("reads seconds and HTTP dates", () => {
    expect(parseRetryAfter("30")).toBe(30);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter("soon")).toBeUndefined();
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:01:00 GMT", now)).toBe(60);
  });
});
