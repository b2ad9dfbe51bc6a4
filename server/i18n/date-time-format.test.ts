import { describe, expect, it } from "vitest";
import { dateTimeFormat } from "./date-time-format";

describe("the shared date formats", () => {
  it("gives the same instance for the same locale and options, a new one when either differs", () => {
    const a = dateTimeFormat("ru", {
      day: "numeric",
      month: "short",
      timeZone: "UTC",
    });
    expect(dateTimeFormat("ru", { day: "numeric", month: "short", timeZone: "UTC" })).toBe(a);
    expect(dateTimeFormat("uk", { day: "numeric", month: "short", timeZone: "UTC" })).not.toBe(a);
    expect(dateTimeFormat("ru", { day: "numeric", month: "long", timeZone: "UTC" })).not.toBe(a);
  });

  it("formats as a new Intl.DateTimeFormat would", () => {
    const at = new Date("2026-12-07T19:59:00Z");
    for (const [locale, options] of [
      ["en", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }],
      ["ru", { hour: "2-digit", minute: "2-digit", timeZone: "Europe/Moscow" }],
      ["uk", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" }],
    ] as const) {
      expect(dateTimeFormat(locale, options).format(at)).toBe(new Intl.DateTimeFormat(locale, options).format(at));
      expect(dateTimeFormat(locale, options).format(at)).toBe(new Intl.DateTimeFormat(locale, options).format(at));
    }
  });
});
