import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { vkOwnMessageKey, vkRandomId } from "./random-id";

describe("vkRandomId", () => {
  it("gives every retry of one send the same random_id", () => {
    const key = randomUUID();
    expect(vkRandomId(key)).toBe(vkRandomId(key));
    expect(vkRandomId(key.toUpperCase().toLowerCase())).toBe(vkRandomId(key));
    expect(vkRandomId(randomUUID())).not.toBe(vkRandomId(key));
  });

  it("keeps the derivation stable across releases (in-flight retries would otherwise duplicate)", () => {
    // First 31 bits of SHA-256 of the key, pinned so that a change to the derivation is a visible decision.
    expect(vkRandomId("00000000-0000-4000-8000-000000000000")).toBe(1535137248);
    expect(vkRandomId("6f1d2c9e-3b7a-4c55-9e0f-1a2b3c4d5e6f")).toBe(853411815);
  });

  it("stays a positive int32 (never 0, which would switch VK's dedupe off)", () => {
    for (let i = 0; i < 2000; i++) {
      const id = vkRandomId(randomUUID());
      expect(Number.isInteger(id)).toBe(true);
      expect(id).toBeGreaterThanOrEqual(1);
      expect(id).toBeLessThanOrEqual(2 ** 31 - 1);
    }
  });

  it("gives different sends different random_ids", () => {
    const ids = new Set(Array.from({ length: 1000 }, () => vkRandomId(randomUUID())));
    // 1000 draws from 2^31 values collide with probability ~0.02%; a broken derivation collapses them.
    expect(ids.size).toBeGreaterThanOrEqual(999);
  });

  it("keys our own sends by peer and random_id", () => {
    expect(vkOwnMessageKey("111222333", 42)).toBe("111222333:r42");
  });
});
