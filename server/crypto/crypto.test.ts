import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { safeEqual } from "./compare";
import { open, seal } from "./secret-box";

describe("secret box", () => {
  const key = randomBytes(32);

  it("round-trips a credential object and never contains it in clear", () => {
    const creds = { botToken: "7000000001:AAE-secret-token", webhookSecret: "s3cr3t" };
    const sealed = seal(creds, key);
    expect(sealed).not.toContain("AAE-secret-token");
    expect(open(sealed, key)).toEqual(creds);
  });

  it("uses a fresh nonce each time", () => {
    expect(seal({ a: 1 }, key)).not.toBe(seal({ a: 1 }, key));
  });

  it("refuses a tampered value and a wrong key", () => {
    const sealed = seal({ a: 1 }, key);
    const parts = sealed.split(".");
    const body = Buffer.from(parts[3]!, "base64url");
    body[0] = body[0]! ^ 1;
    const tampered = [...parts.slice(0, 3), body.toString("base64url")].join(".");
    expect(() => open(tampered, key)).toThrow();
    expect(() => open(sealed, randomBytes(32))).toThrow();
    expect(() => open("v0.x.y.z", key)).toThrow(/unknown format/);
  });
});

describe("safeEqual", () => {
  it("compares strings of any length", () => {
    expect(safeEqual("abc", "abc")).toBe(true);
    expect(safeEqual("abc", "abd")).toBe(false);
    expect(safeEqual("abc", "abcd")).toBe(false);
    expect(safeEqual("", "")).toBe(true);
  });
});
