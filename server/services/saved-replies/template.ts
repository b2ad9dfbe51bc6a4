/**
 * Saved replies' variables and languages: pure functions, shared by the server (which renders a reply for a
 * conversation) and the editor in the browser (which flags what it does not know before anything is saved).
 */

export const SAVED_REPLY_LOCALES = ["en", "ru", "uk"] as const;
export type SavedReplyLocale = (typeof SAVED_REPLY_LOCALES)[number];

export const SAVED_REPLY_VARIABLES = ["contact.name", "contact.first_name", "operator.name", "company.name"] as const;
export type SavedReplyVariable = (typeof SAVED_REPLY_VARIABLES)[number];
export type TemplateValues = Record<SavedReplyVariable, string>;

/** `{{ name }}`: spaces inside the braces are allowed; anything else between them is the name, known or not. */
const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

const isKnown = (name: string): name is SavedReplyVariable => (SAVED_REPLY_VARIABLES as readonly string[]).includes(name);

/** Every variable the text uses, once each, in order of first use. */
export function templateVariables(text: string): string[] {
  return [...new Set(Array.from(text.matchAll(PLACEHOLDER), (m) => m[1]!))];
}

/** Variables the text uses that no conversation can fill: the editor flags them and saving refuses them. */
export function unknownVariables(text: string): string[] {
  return templateVariables(text).filter((name) => !isKnown(name));
}

/**
 * The text with each known variable replaced by its value, in one pass: a value that itself looks like a
 * variable (a customer named "{{company.name}}") stays as written. Unknown variables stay as written and are
 * listed, so nothing half-filled goes out unnoticed.
 */
export function renderTemplate(text: string, values: TemplateValues): { text: string; unknown: string[] } {
  const unknown = new Set<string>();
  const rendered = text.replace(PLACEHOLDER, (whole, name: string) => {
    if (isKnown(name)) return values[name];
    unknown.add(name);
    return whole;
  });
  return { text: rendered, unknown: [...unknown] };
}

/** A person's first name from the one name a messenger gives: its first word ("Ivan Petrov" → "Ivan"). */
export function firstName(displayName: string): string {
  return displayName.trim().split(/\s+/)[0] ?? "";
}

/** The saved-reply language for a language tag ("ru", "uk-UA", "en_US"); null when it is none of them. */
export function savedReplyLocale(tag: string | null | undefined): SavedReplyLocale | null {
  const base = tag?.trim().toLowerCase().split(/[-_]/)[0];
  return (SAVED_REPLY_LOCALES as readonly string[]).includes(base ?? "") ? (base as SavedReplyLocale) : null;
}

/**
 * Which variant of a reply to offer: the first preferred language it is written in (the customer's, then the
 * company's), else its own default.
 */
export function chooseVariant(available: readonly SavedReplyLocale[], defaultLocale: SavedReplyLocale, preferred: readonly (string | null | undefined)[]): SavedReplyLocale {
  for (const tag of preferred) {
    const locale = savedReplyLocale(tag);
    if (locale && available.includes(locale)) return locale;
  }
  return defaultLocale;
}

/** A reply language's name in the reader's language ("Russian", "русский", "російська"), as the browser and Node know them. */
export function languageName(locale: SavedReplyLocale, readerLocale: string): string {
  try {
    return new Intl.DisplayNames([readerLocale], { type: "language" }).of(locale) ?? locale;
  } catch {
    return locale;
  }
}
