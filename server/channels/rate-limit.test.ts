import { describe, expect, it } from "vitest";
import { limitsFor, SlidingWindowLimiter } from "./rate-limit";

describe("SlidingWindowLimiter", () => {
  it("lets one message a second into a private Telegram chat and says how long to wait", () => {
    let now = 10_000;
    const limiter = new SlidingWindowLimiter(() => now);
    const limits = limitsFor("telegram", "ch", "42", "private");
    expect(limiter.waitMs(limits)).toBe(0);
    limiter.record(limits);
    now += 300;
    expect(limiter.waitMs(limits)).toBe(700);
    now += 700;
    expect(limiter.waitMs(limits)).toBe(0);
  });

  it("allows 20 messages a minute in a group, then waits for the oldest to leave the window", () => {
    let now = 0;
    const limiter = new SlidingWindowLimiter(() => now);
    const limits = limitsFor("telegram", "ch", "-1", "group").filter((l) => l.key.startsWith("chat:"));
    for (let i = 0; i < 20; i++) {
      expect(limiter.waitMs(limits)).toBe(0);
      limiter.record(limits);
      now += 1000;
    }
    expect(limiter.waitMs(limits)).toBe(40_000);
  });

  it("keeps chats and channels apart", () => {
    const limiter = new SlidingWindowLimiter(() => 0);
    limiter.record(limitsFor("telegram", "ch", "1", "private"));
    expect(limiter.waitMs(limitsFor("telegram", "ch", "2", "private"))).toBe(0);
    expect(limiter.waitMs(limitsFor("telegram", "other", "1", "private"))).toBe(0);
  });

  it("paces a VK community at 20 requests a second", () => {
    let now = 0;
    const limiter = new SlidingWindowLimiter(() => now);
    const limits = limitsFor("vk", "ch", "1", "private");
    for (let i = 0; i < 20; i++) limiter.record(limits);
    expect(limiter.waitMs(limits)).toBe(1000);
    now = 1000;
    expect(limiter.waitMs(limits)).toBe(0);
  });
});
