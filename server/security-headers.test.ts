import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, SECURITY_HEADERS, transportSecurityHeaders } from "./security-headers.js";

describe("contentSecurityPolicy", () => {
  it("allows scripts only with the nonce in production, never inline or eval, and forbids framing", () => {
    const csp = contentSecurityPolicy({ nonce: "abc123", connectSources: ["wss://rt.example.com"], development: false });
    const script = /script-src ([^;]+)/.exec(csp)![1]!;
    expect(script).toContain("'nonce-abc123'");
    expect(script).not.toContain("unsafe-inline");
    expect(script).not.toContain("unsafe-eval");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(/connect-src ([^;]+)/.exec(csp)![1]).toBe("'self' wss://rt.example.com");
  });

  it("lets React's development build evaluate code only in development", () => {
    expect(contentSecurityPolicy({ nonce: "n", connectSources: [], development: true })).toMatch(/script-src [^;]*'unsafe-eval'/);
  });
});

describe("transport security", () => {
  it("sends HSTS only for an https app", () => {
    expect(transportSecurityHeaders("https://app.example.com")["Strict-Transport-Security"]).toMatch(/max-age=\d{8}/);
    expect(transportSecurityHeaders("http://localhost:3000")).toEqual({});
    expect(SECURITY_HEADERS).toMatchObject({ "X-Content-Type-Options": "nosniff", "Referrer-Policy": "strict-origin-when-cross-origin", "X-Frame-Options": "DENY" });
  });
});
