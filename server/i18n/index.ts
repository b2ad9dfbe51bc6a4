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

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

export function translator(messages: Catalog): Translate {
  return (key, vars) => {
    const template = messages[key] ?? en[key] ?? key;
    return vars ? template.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m)) : template;
  };
}

/** A message key for a stored reason code, falling back to "unknown" for codes the catalog lacks. */
export function reasonKey(code: string | null | undefined): MessageKey {
  const key = `reason.${code ?? "unknown"}`;
  return (key in en ? key : "reason.unknown") as MessageKey;
}

/** The closest catalog for a customer's app language ("ru", "uk-UA", …), English otherwise. */
export function localeForLanguageTag(tag: string | undefined): Locale {
  const base = tag?.toLowerCase().split(/[-_]/)[0];
  return isLocale(base) ? base : defaultLocale;
}
