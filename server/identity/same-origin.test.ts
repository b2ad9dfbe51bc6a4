import { describe, expect, it } from "vitest";
import { isSameOriginRequest } from "./same-origin";

const app = "https://app.example.com";
const h = (init: Record<string, string>) => new Headers(init);

describe("isSameOriginRequest", () => {
  it("accepts the app's own pages and clients that are no browser", () => {
    expect(isSameOriginRequest(h({ origin: "https://app.example.com" }), app)).toBe(true);
    expect(isSameOriginRequest(h({ "sec-fetch-site": "same-origin" }), app)).toBe(true);
    expect(isSameOriginRequest(h({}), app)).toBe(true);
  });

  it("refuses another site, a sibling subdomain, another scheme or port, and an opaque origin", () => {
    expect(isSameOriginRequest(h({ origin: "https://evil.example" }), app)).toBe(false);
    expect(isSameOriginRequest(h({ origin: "https://other.example.com" }), app)).toBe(false);
    expect(isSameOriginRequest(h({ origin: "http://app.example.com" }), app)).toBe(false);
    expect(isSameOriginRequest(h({ origin: "https://app.example.com:8443" }), app)).toBe(false);
    expect(isSameOriginRequest(h({ origin: "null" }), app)).toBe(false);
    expect(isSameOriginRequest(h({ "sec-fetch-site": "cross-site" }), app)).toBe(false);
    expect(isSameOriginRequest(h({ "sec-fetch-site": "same-site" }), app)).toBe(false);
  });
});
