import { describe, expect, it } from "vitest";
import { formatDateTime, isTimeZone, timeZoneLabel, timeZoneNames } from "./index";

const moment = new Date("2026-12-07T00:12:00Z");

describe("times in the company's time zone, the zone named", () => {
  it("shows the zone's clock and names the zone with its offset, in the chosen language", () => {
    const ru = formatDateTime("ru", moment, "medium", "Europe/Moscow");
    expect(ru).toMatch(/^7 дек\. 2026 г\., 03:12 \(Europe\/Moscow, GMT\+3\)$/);
    const en = formatDateTime("en", moment, "medium", "America/New_York");
    expect(en).toMatch(/^Dec 6, 2026, 7:12\sPM \(America\/New_York, GMT-5\)$/);
    expect(formatDateTime("uk", moment, "medium", "UTC")).toMatch(/00:12 \(UTC\)$/);
  });

  it("falls back to UTC, named, for a zone the runtime does not know", () => {
    expect(formatDateTime("en", moment, "medium", "Mars/Olympus")).toMatch(/12:12\sAM \(UTC\)$/);
  });

  it("accepts IANA names only", () => {
    expect(isTimeZone("Europe/Moscow")).toBe(true);
    expect(isTimeZone("UTC")).toBe(true);
    expect(isTimeZone("Asia/Kolkata")).toBe(true);
    for (const bad of ["Mars/Olympus", "", "Europe/Moscow; drop table", "../etc/passwd", 42, null]) expect(isTimeZone(bad)).toBe(false);
  });

  it("labels UTC plainly and other zones with their offset at that moment (daylight saving included)", () => {
    expect(timeZoneLabel("UTC")).toBe("UTC");
    expect(timeZoneLabel("Asia/Kolkata", moment)).toBe("Asia/Kolkata, GMT+5:30");
    expect(timeZoneLabel("Europe/Berlin", new Date("2026-07-01T00:00:00Z"))).toBe("Europe/Berlin, GMT+2");
    expect(timeZoneLabel("Europe/Berlin", moment)).toBe("Europe/Berlin, GMT+1");
  });

  it("offers every zone the runtime knows, UTC first", () => {
    const names = timeZoneNames();
    expect(names[0]).toBe("UTC");
    expect(names).toContain("Europe/Moscow");
    expect(names.filter((n) => n === "UTC")).toHaveLength(1);
  });
});
