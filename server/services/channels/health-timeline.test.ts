import { describe, expect, it } from "vitest";
import { healthTimeline, stateDurations, stoppedIntervals } from "./health-timeline";

const at = (iso: string) => new Date(iso);

describe("health timeline", () => {
  const now = at("2026-12-06T12:00:00Z");

  it("counts hours per day in each state, the worse state winning an overlapping hour", () => {
    const days = healthTimeline({
      now,
      days: 3,
      connectedAt: at("2026-11-01T00:00:00Z"),
      intervals: [
        { from: at("2026-12-04T22:00:00Z"), to: at("2026-12-05T02:30:00Z"), state: "disconnected" },
        { from: at("2026-12-05T02:00:00Z"), to: at("2026-12-05T05:00:00Z"), state: "warning" },
        { from: at("2026-12-06T10:00:00Z"), to: null, state: "stopped" },
      ],
    });
    expect(days.map((d) => d.day)).toEqual(["2026-12-04", "2026-12-05", "2026-12-06"]);
    expect(days[0]!.hours).toEqual({ connected: 22, warning: 0, disconnected: 2, stopped: 0 });
    // 00–03 disconnected (02:00–02:30 overlaps the warning; disconnected wins), 03–05 warning.
    expect(days[1]!.hours).toEqual({ connected: 19, warning: 2, disconnected: 3, stopped: 0 });
    // Today up to noon only: 10 connected, 2 stopped; the future is not counted.
    expect(days[2]!.hours).toEqual({ connected: 10, warning: 0, disconnected: 0, stopped: 2 });
  });

  it("counts the company's calendar days in its time zone", () => {
    // 12:00 UTC is 15:00 in Moscow; an outage 22:00–23:00 UTC on the 4th falls on Moscow's 5th (01:00–02:00).
    const days = healthTimeline({
      now,
      days: 2,
      connectedAt: at("2026-11-01T00:00:00Z"),
      intervals: [{ from: at("2026-12-04T22:00:00Z"), to: at("2026-12-04T23:00:00Z"), state: "disconnected" }],
      timeZone: "Europe/Moscow",
    });
    expect(days.map((d) => d.day)).toEqual(["2026-12-05", "2026-12-06"]);
    expect(days[0]!.hours).toEqual({ connected: 23, warning: 0, disconnected: 1, stopped: 0 });
    expect(days[1]!.hours.connected).toBe(15);
  });

  it("a day of a daylight-saving change has its own number of hours", () => {
    const [day] = healthTimeline({ now: at("2026-03-30T12:00:00Z"), days: 2, connectedAt: at("2026-01-01T00:00:00Z"), intervals: [], timeZone: "Europe/Berlin" });
    expect(day!.day).toBe("2026-03-29");
    expect(day!.hours.connected).toBe(23);
  });

  it("counts nothing before the channel was connected", () => {
    const [day] = healthTimeline({ now, days: 1, connectedAt: at("2026-12-06T09:00:00Z"), intervals: [] });
    expect(day!.hours).toEqual({ connected: 3, warning: 0, disconnected: 0, stopped: 0 });
  });

  it("turns stop and start history into stopped periods, an unmatched stop lasting until now", () => {
    expect(
      stoppedIntervals([
        { action: "started", createdAt: at("2026-12-03T00:00:00Z") },
        { action: "stopped", createdAt: at("2026-12-01T00:00:00Z") },
        { action: "renamed", createdAt: at("2026-12-02T00:00:00Z") },
        { action: "disconnected", createdAt: at("2026-12-05T00:00:00Z") },
      ]),
    ).toEqual([
      { from: at("2026-12-01T00:00:00Z"), to: at("2026-12-03T00:00:00Z"), state: "stopped" },
      { from: at("2026-12-05T00:00:00Z"), to: null, state: "stopped" },
    ]);
  });
});

describe("time disconnected and stopped, exactly", () => {
  const now = new Date("2026-12-06T12:00:00Z");
  const connectedAt = new Date("2026-10-01T00:00:00Z");

  it("a one-minute outage is one minute; stopped time is counted apart, never as disconnected", () => {
    expect(
      stateDurations({ now, days: 30, connectedAt, intervals: [{ from: new Date("2026-12-06T09:00:00Z"), to: new Date("2026-12-06T09:01:00Z"), state: "disconnected" }] }),
    ).toEqual({ disconnectedMs: 60_000, stoppedMs: 0 });
    // Stopped two days ago and still stopped; a disconnection inside a stopped span counts once, as disconnected.
    expect(
      stateDurations({
        now,
        days: 30,
        connectedAt,
        intervals: [
          { from: new Date("2026-12-04T12:00:00Z"), to: null, state: "stopped" },
          { from: new Date("2026-12-05T00:00:00Z"), to: new Date("2026-12-05T01:00:00Z"), state: "disconnected" },
          { from: new Date("2026-12-05T00:30:00Z"), to: new Date("2026-12-05T01:00:00Z"), state: "disconnected" },
        ],
      }),
    ).toEqual({ disconnectedMs: 3600_000, stoppedMs: 47 * 3600_000 });
  });

  it("counts only the window and the time since the channel was connected", () => {
    const intervals = [{ from: new Date("2026-09-01T00:00:00Z"), to: null, state: "stopped" as const }];
    expect(stateDurations({ now, days: 30, connectedAt, intervals }).stoppedMs).toBe(30 * 24 * 3600_000);
    expect(stateDurations({ now, days: 30, connectedAt: new Date("2026-12-06T11:00:00Z"), intervals }).stoppedMs).toBe(3600_000);
  });
});
