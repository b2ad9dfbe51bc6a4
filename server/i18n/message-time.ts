/**
 * When a message was written, as a messenger shows it, in the chosen language (never the browser's): today only the
 * time; earlier this year the day, month and time; in another year the date with its year, written out alike in
 * every language ("7 Dec 2025, 19:59", "7 дек. 2025 г., 19:59"). `timeZone` is for tests; the browser's own zone
 * decides what "today" is.
 */
export function formatMessageTime(locale: string, value: Date | string | number, now: Date | number = Date.now(), timeZone?: string): string {
  const at = new Date(value);
  const day = (d: Date) => new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(d);
  const [y, today] = [day(at), day(new Date(now))];
  // A 24-hour clock reads "08:07" (ru, uk); a 12-hour one "8:07 AM" (en).
  const time = { hour: new Intl.DateTimeFormat(locale, { hour: "numeric" }).resolvedOptions().hourCycle?.startsWith("h2") ? "2-digit" : "numeric", minute: "2-digit" } as const;
  if (y === today) return new Intl.DateTimeFormat(locale, { ...time, timeZone }).format(at);
  if (y.slice(0, 4) === today.slice(0, 4)) return new Intl.DateTimeFormat(locale, { day: "numeric", month: "short", ...time, timeZone }).format(at);
  return new Intl.DateTimeFormat(locale, { day: "numeric", month: "short", year: "numeric", ...time, timeZone }).format(at);
}
