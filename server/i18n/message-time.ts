import { dateTimeFormat } from "./date-time-format";

/**
 * When a message was written, as a messenger shows it, in the chosen language (never the browser's): today only the
 * time; earlier this year the day, month and time; in another year the date with its year, written out alike in
 * every language ("7 Dec 2025, 19:59", "7 дек. 2025 г., 19:59"). `timeZone` is for tests; the browser's own zone
 * decides what "today" is. The formats are made once per locale (./date-time-format.ts): a thread formats many.
 */
export function formatMessageTime(locale: string, value: Date | string | number, now: Date | number = Date.now(), timeZone?: string): string {
  const at = new Date(value);
  const days = dateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
  const [y, today] = [days.format(at), days.format(new Date(now))];
  // A 24-hour clock reads "08:07" (ru, uk); a 12-hour one "8:07 AM" (en).
  const time = { hour: dateTimeFormat(locale, { hour: "numeric" }).resolvedOptions().hourCycle?.startsWith("h2") ? "2-digit" : "numeric", minute: "2-digit" } as const;
  if (y === today) return dateTimeFormat(locale, { ...time, timeZone }).format(at);
  if (y.slice(0, 4) === today.slice(0, 4)) return dateTimeFormat(locale, { day: "numeric", month: "short", ...time, timeZone }).format(at);
  return dateTimeFormat(locale, { day: "numeric", month: "short", year: "numeric", ...time, timeZone }).format(at);
}
