/**
 * A duration as the parts a person reads: minutes under an hour, hours and minutes under a day, days and hours
 * beyond — each part then worded with its ICU plural ("1 minute", "2 часа 5 минут", "3 дні"). Anything above
 * zero is at least one minute, so a short outage is never "0 minutes".
 */
export type DurationPart = { unit: "minutes" | "hours" | "days"; count: number };

const MINUTE = 60_000;

export function durationParts(ms: number): DurationPart[] {
  if (ms <= 0) return [];
  const minutes = Math.max(1, Math.round(ms / MINUTE));
  if (minutes < 60) return [{ unit: "minutes", count: minutes }];
  if (minutes < 24 * 60) {
    const hours = Math.floor(minutes / 60);
    const rest = minutes % 60;
    return rest ? [{ unit: "hours", count: hours }, { unit: "minutes", count: rest }] : [{ unit: "hours", count: hours }];
  }
  const hoursTotal = Math.round(minutes / 60);
  const days = Math.floor(hoursTotal / 24);
  const hours = hoursTotal % 24;
  return hours ? [{ unit: "days", count: days }, { unit: "hours", count: hours }] : [{ unit: "days", count: days }];
}
