import { describe, expect, it } from "vitest";
import { webhookPathProblem } from "./route-guard";

const ID = "9b2f7f0e-4a57-4c7f-8d0e-2f0c7a6f1e11";

describe("webhook paths that name no channel", () => {
  it("lets real channel paths and the Meta route through", () => {
    expect(webhookPathProblem(`/api/webhooks/telegram/${ID}`)).toBeUndefined();
    expect(webhookPathProblem(`/api/webhooks/vk/${ID.toUpperCase()}`)).toBeUndefined();
    expect(webhookPathProblem("/api/webhooks/meta")).toBeUndefined();
    expect(webhookPathProblem("/api/webhooks/meta/")).toBeUndefined();
  });

  it("refuses any bytes Next.js could not decode, non-uuid ids and extra segments, on the raw path", () => {
    for (const provider of ["telegram", "vk"]) {
      for (const segment of ["%ZZ", "%", "%C0%AF", "%E0%A4%A", "%00", "not-a-uuid", "..", "%2e%2e", `${ID}%00`, "😀"]) {
        expect(webhookPathProblem(`/api/webhooks/${provider}/${segment}`)).toBe("unknown channel");
      }
      expect(webhookPathProblem(`/api/webhooks/${provider}`)).toBe("unknown channel");
      expect(webhookPathProblem(`/api/webhooks/${provider}/${ID}/%ZZ`)).toBe("unknown channel");
    }
    expect(webhookPathProblem("/api/webhooks/meta/%ZZ")).toBe("unknown webhook path");
  });
});
