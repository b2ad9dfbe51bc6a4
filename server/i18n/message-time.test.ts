import { describe, expect, it } from "vitest";
import { formatMessageTime } from "./message-time";

const now = new Date("2026-12-07T21:30:00Z");
const zone = "UTC";

describe("a message's time", () => {
  it("is the time only for today, in each language's clock", () => {
    const today = new Date("2026-12-07T19:59:00Z");
    expect(formatMessageTime("en", today, now, zone)).toBe("7:59 PM");
    expect(formatMessageTime("ru", today, now, zone)).toBe("19:59");
    expect(formatMessageTime("uk", today, now, zone)).toBe("19:59");
  });

  it("is the day, month and time earlier this year, without the year", () => {
    const earlier = new Date("2026-03-05T08:07:00Z");
    const en = formatMessageTime("en", earlier, now, zone);
    const ru = formatMessageTime("ru", earlier, now, zone);
    const uk = formatMessageTime("uk", earlier, now, zone);
    expect(en).toMatch(/^Mar 5, 8:07\sAM$/);
    expect(ru).toMatch(/^5 мар\.?,? 08:07$/);
    expect(uk).toMatch(/^5 бер\.?,? 08:07$/);
    for (const text of [en, ru, uk]) expect(text).not.toContain("2026");
  });

  it("carries the full year in every language for an older message", () => {
    const older = new Date("2025-12-06T19:59:00Z");
    for (const locale of ["en", "ru", "uk"]) {
      const text = formatMessageTime(locale, older, now, zone);
      expect(text, locale).toContain("2025");
      expect(text, locale).not.toMatch(/\b25\b/);
      expect(text, locale).toMatch(/19:59|7:59\sPM/);
    }
  });

  it("decides what today is in the reader's time zone", () => {
    // 23:30 UTC on the 6th is already the 7th in Kyiv.
    const late = new Date("2026-12-06T23:30:00Z");
    expect(formatMessageTime("uk", late, now, "Europe/Kyiv")).toBe("01:30");
    expect(formatMessageTime("uk", late, now, "UTC")).toMatch(/^6 груд\.?,? 23:30$/);
  });
});
