/**
 * The Details page's health timeline: for each of the last N days, how many hours the channel was connected,
 * at risk (a warning), disconnected (an open incident) or stopped. Pure: built from the incidents, the
 * stop/start history and the current warning, so it is tested without a database.
 */
export type HealthState = "connected" | "warning" | "disconnected" | "stopped";
export type Interval = { from: Date; to: Date | null; state: Exclude<HealthState, "connected"> };
export type HealthDay = { day: string; hours: Record<HealthState, number> };

const HOUR = 3600_000;
const DAY = 24 * HOUR;
/** Where two intervals overlap, the worse state counts. */
const severity: Record<HealthState, number> = { connected: 0, warning: 1, stopped: 2, disconnected: 3 };

/**
 * Days are the company's calendar days (`timeZone`, UTC by default): each runs from local midnight to local
 * midnight, so a day of a daylight-saving change has 23 or 25 hours.
 */
export function healthTimeline(opts: { now: Date; days: number; connectedAt: Date; intervals: Interval[]; timeZone?: string }): HealthDay[] {
  const { now, days } = opts;
  const zone = opts.timeZone ?? "UTC";
  const today = localDate(now.getTime(), zone);
  const result: HealthDay[] = [];
  // One-hour slots: fine enough for a 30-day chart, and overlaps resolve simply.
  for (let d = days - 1; d >= 0; d--) {
    const date = Date.UTC(today.y, today.m - 1, today.d - d);
    const dayStart = zonedMidnight(date, zone);
    const dayEnd = zonedMidnight(date + DAY, zone);
    const hours: Record<HealthState, number> = { connected: 0, warning: 0, disconnected: 0, stopped: 0 };
    for (let slotStart = dayStart; slotStart < dayEnd; slotStart += HOUR) {
      const slotEnd = Math.min(slotStart + HOUR, dayEnd);
      if (slotStart >= now.getTime() || slotEnd <= opts.connectedAt.getTime()) continue; // future, or before it existed
      let state: HealthState = "connected";
      for (const i of opts.intervals) {
        const to = i.to ? i.to.getTime() : now.getTime();
        if (i.from.getTime() < slotEnd && to > slotStart && severity[i.state] > severity[state]) state = i.state;
      }
      hours[state] += 1;
    }
    result.push({ day: new Date(date).toISOString().slice(0, 10), hours });
  }
  return result;
}

/** The calendar date of an instant in a time zone. */
function localDate(t: number, timeZone: string): { y: number; m: number; d: number } {
  const parts = zoneParts(t, timeZone);
  return { y: parts.year, m: parts.month, d: parts.day };
}

function zoneParts(t: number, timeZone: string): Record<"year" | "month" | "day" | "hour" | "minute" | "second", number> {
  const out = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const p of new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric" }).formatToParts(t)) {
    if (p.type in out) out[p.type as keyof typeof out] = Number(p.value);
  }
  return out;
}

/** How far the zone's clock is ahead of UTC at an instant, in ms. */
function zoneOffset(t: number, timeZone: string): number {
  const p = zoneParts(t, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(t / 1000) * 1000;
}

/** The instant of local midnight in the zone on the calendar date `date` (a UTC midnight naming that date). */
function zonedMidnight(date: number, timeZone: string): number {
  const first = date - zoneOffset(date, timeZone);
  return date - zoneOffset(first, timeZone);
}

/** Stopped periods from the channel's history: each "stopped"/"disconnected by admin" until the next start. */
export function stoppedIntervals(history: { action: string; createdAt: Date }[]): Interval[] {
  const sorted = [...history].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  const out: Interval[] = [];
  let open: Date | null = null;
  for (const h of sorted) {
    if ((h.action === "stopped" || h.action === "disconnected") && !open) open = h.createdAt;
    if ((h.action === "started" || h.action === "reconnected") && open) {
      out.push({ from: open, to: h.createdAt, state: "stopped" });
      open = null;
    }
  }
  if (open) out.push({ from: open, to: null, state: "stopped" });
  return out;
}

/**
 * Exact time disconnected and stopped within the window (the last `days` up to now, from the channel's
 * connection on), for the summary in words: a one-minute outage is one minute, not an hour slot. Overlapping
 * intervals of a state count once; stopped time overlapping a disconnection counts as disconnected.
 */
export function stateDurations(opts: { now: Date; days: number; connectedAt: Date; intervals: Interval[] }): { disconnectedMs: number; stoppedMs: number } {
  const end = opts.now.getTime();
  const start = Math.max(end - opts.days * DAY, opts.connectedAt.getTime());
  if (start >= end) return { disconnectedMs: 0, stoppedMs: 0 };
  const clipped = opts.intervals
    .map((i) => ({ from: Math.max(i.from.getTime(), start), to: Math.min(i.to ? i.to.getTime() : end, end), state: i.state }))
    .filter((i) => i.to > i.from);
  const points = [...new Set([start, end, ...clipped.flatMap((i) => [i.from, i.to])])].sort((a, b) => a - b);
  let disconnectedMs = 0;
  let stoppedMs = 0;
  for (let k = 0; k + 1 < points.length; k++) {
    const [a, b] = [points[k]!, points[k + 1]!];
    const covering = clipped.filter((i) => i.from <= a && i.to >= b);
    if (covering.some((i) => i.state === "disconnected")) disconnectedMs += b - a;
    else if (covering.some((i) => i.state === "stopped")) stoppedMs += b - a;
  }
  return { disconnectedMs, stoppedMs };
}
