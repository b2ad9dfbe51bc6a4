import { IntlMessageFormat } from "intl-messageformat";
import { dateTimeFormat } from "./date-time-format";
import { en, type Catalog, type MessageKey } from "./messages/en";
import { ru } from "./messages/ru";
import { uk } from "./messages/uk";

export const locales = ["en", "ru", "uk"] as const;
export type Locale = (typeof locales)[number];
export const defaultLocale: Locale = "en";
export const localeNames: Record<Locale, string> = { en: "English", ru: "Русский", uk: "Українська" };
export const LOCALE_COOKIE = "sb_locale";

const catalogs: Record<Locale, Catalog> = { en, ru, uk };

export type { Catalog, MessageKey };

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (locales as readonly string[]).includes(value);
}

export function catalog(locale: Locale): Catalog {
  return catalogs[locale];
}

export type Translate = (key: MessageKey, vars?: Record<string, string | number | Date>) => string;

/**
 * ICU messages (the format next-intl and FormatJS use): `{name}`, `{count, plural, one {…} few {…} many {…}
 * other {…}}` with the locale's own plural rules (Russian and Ukrainian have four), `{when, date, medium}`.
 * Compiled once per message and locale.
 */
export function translator(messages: Catalog, locale: Locale = defaultLocale): Translate {
  const compiled = new Map<string, IntlMessageFormat>();
  return (key, vars) => {
    const template = messages[key] ?? en[key] ?? key;
    if (!vars && !template.includes("{")) return template;
    let format = compiled.get(key);
    if (!format) {
      try {
        format = new IntlMessageFormat(template, locale);
      } catch {
        return template; // a malformed message shows as written rather than breaking the page
      }
      compiled.set(key, format);
    }
    try {
      return String(format.format(vars ?? {}));
    } catch {
      return template;
    }
  };
}

/**
 * Dates and times in the chosen language (never the browser's or the server's default locale). With a time zone,
 * the time is that zone's and the zone is named: "Dec 7, 2026, 3:12 AM (Europe/Moscow, GMT+3)" — what emails
 * and the health charts show, so a reader never has to guess whose clock it is.
 */
export function formatDateTime(locale: Locale, value: Date | string | number, style: "medium" | "short" = "medium", timeZone?: string): string {
  const date = new Date(value);
  if (!timeZone) return dateTimeFormat(locale, { dateStyle: style, timeStyle: "short" }).format(date);
  const zone = isTimeZone(timeZone) ? timeZone : DEFAULT_TIME_ZONE;
  const time = dateTimeFormat(locale, { dateStyle: style, timeStyle: "short", timeZone: zone }).format(date);
  return `${time} (${timeZoneLabel(zone, date)})`;
}

/** The zone every company starts with until an admin chooses its own (Settings → Company). */
export const DEFAULT_TIME_ZONE = "UTC";

/** A time zone the runtime knows by its IANA name ("Europe/Moscow", "UTC"); anything else is refused. */
export function isTimeZone(value: unknown): value is string {
  if (typeof value !== "string" || value.length > 64 || !/^[A-Za-z][A-Za-z0-9_+\-]*(\/[A-Za-z0-9_+\-]+)*$/.test(value)) return false;
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** The zone's name with its offset at that moment: "Europe/Moscow, GMT+3"; plain "UTC" for UTC. */
export function timeZoneLabel(timeZone: string, at: Date = new Date()): string {
  if (timeZone === "UTC" || timeZone === "Etc/UTC") return "UTC";
  const offset = new Intl.DateTimeFormat("en", { timeZone, timeZoneName: "shortOffset" }).formatToParts(at).find((p) => p.type === "timeZoneName")?.value;
  return offset ? `${timeZone}, ${offset}` : timeZone;
}

/** Every IANA time zone the runtime knows, UTC first: the choices of Settings → Company. */
export function timeZoneNames(): string[] {
  const names = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return ["UTC", ...names.filter((n) => n !== "UTC")];
}

/** A message key for a stored reason code, falling back to "unknown" for codes the catalog lacks. */
export function reasonKey(code: string | null | undefined): MessageKey {
  const key = `reason.${code ?? "unknown"}`;
  return (key in en ? key : "reason.unknown") as MessageKey;
}

/**
 * The best catalog for an Accept-Language header ("ru-RU,ru;q=0.9,en;q=0.8"): the highest-weighted tag we
 * have, English when none matches.
 */
export function negotiateLocale(header: string | null | undefined): Locale {
  if (!header) return defaultLocale;
  const ranked = header
    .split(",")
    .map((part, index) => {
      const [tag, ...params] = part.trim().split(";");
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      const weight = q ? Number(q.slice(2)) : 1;
      return { base: tag?.trim().toLowerCase().split(/[-_]/)[0] ?? "", weight: Number.isFinite(weight) ? weight : 0, index };
    })
    .filter((r) => r.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  return ranked.map((r) => r.base).find(isLocale) ?? defaultLocale;
}

/** The closest catalog for a customer's app language ("ru", "uk-UA", …), English otherwise. */
export function localeForLanguageTag(tag: string | undefined): Locale {
  const base = tag?.toLowerCase().split(/[-_]/)[0];
  return isLocale(base) ? base : defaultLocale;
}

export { formatMessageTime } from "./message-time";
