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

export function healthTimeline(opts: { now: Date; days: number; connectedAt: Date; intervals: Interval[] }): HealthDay[] {
  const { now, days } = opts;
  const end = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) + DAY;
  const result: HealthDay[] = [];
  // One-hour slots: fine enough for a 30-day chart, and overlaps resolve simply.
  for (let d = days - 1; d >= 0; d--) {
    const dayStart = end - (d + 1) * DAY;
    const hours: Record<HealthState, number> = { connected: 0, warning: 0, disconnected: 0, stopped: 0 };
    for (let h = 0; h < 24; h++) {
      const slotStart = dayStart + h * HOUR;
      const slotEnd = slotStart + HOUR;
      if (slotStart >= now.getTime() || slotEnd <= opts.connectedAt.getTime()) continue; // future, or before it existed
      let state: HealthState = "connected";
      for (const i of opts.intervals) {
        const to = i.to ? i.to.getTime() : now.getTime();
        if (i.from.getTime() < slotEnd && to > slotStart && severity[i.state] > severity[state]) state = i.state;
      }
      hours[state] += 1;
    }
    result.push({ day: new Date(dayStart).toISOString().slice(0, 10), hours });
  }
  return result;
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
