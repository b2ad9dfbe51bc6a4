import { describe, expect, it } from "vitest";
import { safeRedirectTarget } from "./safe-redirect";

const origin = "https://app.example.com";

describe("safeRedirectTarget", () => {
  it.each([
    ["/inbox?c=1#m", "/inbox?c=1#m"],
    ["/settings/channels", "/settings/channels"],
    ["https://app.example.com/settings", "/settings"],
    ["settings", "/settings"],
    // Same scheme without slashes is a path on this origin, in the browser too.
    ["https:evil.example", "/evil.example"],
  ])("keeps %s on the app", (target, expected) => {
    expect(safeRedirectTarget(target, origin, "/inbox")).toBe(expected);
  });

  it.each([
    "//evil.example",
    "/\\evil.example",
    "/%5Cevil.example".replace("%5C", "\\"),
    "/\t/evil.example",
    "/\n/evil.example",
    "\\\\evil.example",
    "https://evil.example/inbox",
    "http://app.example.com/inbox",
    "https://app.example.com.evil.example/",
    "https://app.example.com@evil.example/",
    "javascript:alert(1)",
    "data:text/html,hi",
  ])("refuses %j", (target) => {
    expect(safeRedirectTarget(target, origin, "/inbox")).toBe("/inbox");
  });

  it("gives the fallback for nothing, and absolute URLs on the app's origin for next-auth", () => {
    expect(safeRedirectTarget(null, origin, "/inbox")).toBe("/inbox");
    expect(safeRedirectTarget("", origin, "/inbox", "absolute")).toBe("https://app.example.com/inbox");
    expect(safeRedirectTarget("/\\evil.example", origin, "/inbox", "absolute")).toBe("https://app.example.com/inbox");
    expect(safeRedirectTarget("/settings", origin, "/inbox", "absolute")).toBe("https://app.example.com/settings");
  });
});
