import { describe, expect, it } from "vitest";
import { retryDelaySeconds } from "./deliver-due-sends";

describe("retryDelaySeconds", () => {
  it("backs off exponentially from one second and caps at five minutes", () => {
    expect([1, 2, 3, 4, 10, 20].map((a) => retryDelaySeconds(a))).toEqual([1, 2, 4, 8, 300, 300]);
  });
  it("honours the provider's retry_after / Retry-After", () => {
    expect(retryDelaySeconds(1, 35)).toBe(35);
    expect(retryDelaySeconds(5, 0)).toBe(0);
  });
});
