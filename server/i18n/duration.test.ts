import { describe, expect, it } from "vitest";
import { catalog, translator } from "./index";
import { durationParts } from "./duration";

const MIN = 60_000;
const HOUR = 60 * MIN;

describe("durations in words", () => {
  it("a one-minute outage is a minute, about three hours is hours and minutes, two days are days", () => {
    expect(durationParts(0)).toEqual([]);
    expect(durationParts(20_000)).toEqual([{ unit: "minutes", count: 1 }]);
    expect(durationParts(MIN)).toEqual([{ unit: "minutes", count: 1 }]);
    expect(durationParts(2 * HOUR + 55 * MIN)).toEqual([
      { unit: "hours", count: 2 },
      { unit: "minutes", count: 55 },
    ]);
    expect(durationParts(3 * HOUR)).toEqual([{ unit: "hours", count: 3 }]);
    expect(durationParts(2 * 24 * HOUR + 10 * MIN)).toEqual([{ unit: "days", count: 2 }]);
    expect(durationParts(50 * HOUR)).toEqual([
      { unit: "days", count: 2 },
      { unit: "hours", count: 2 },
    ]);
  });

  it("each part has its plural form in every language", () => {
    const word = (locale: "en" | "ru" | "uk", unit: string, count: number) => translator(catalog(locale), locale)(`health.duration.${unit}` as never, { count });
    expect([1, 5].map((n) => word("en", "minutes", n))).toEqual(["1 minute", "5 minutes"]);
    expect([1, 2, 5, 21].map((n) => word("ru", "hours", n))).toEqual(["1 час", "2 часа", "5 часов", "21 час"]);
    expect([1, 3, 11].map((n) => word("uk", "days", n))).toEqual(["1 день", "3 дні", "11 днів"]);
  });
});
