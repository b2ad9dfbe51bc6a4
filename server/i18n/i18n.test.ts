import { describe, expect, it } from "vitest";
import { catalog, formatDateTime, localeForLanguageTag, locales, negotiateLocale, reasonKey, translator } from "./index";
import { en } from "./messages/en";

// The ICU arguments a message uses ({name}, {count, plural, …}), not the words inside plural branches.
const placeholders = (s: string) => [...new Set([...s.matchAll(/\{\s*(\w+)\s*[,}]/g)].map((m) => m[1]))].sort();

describe("message catalogs", () => {
  it.each(locales)("%s has every key, none empty, with the same placeholders as English", (locale) => {
    const messages = catalog(locale);
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(messages[key], key).toBeTruthy();
      expect(placeholders(messages[key]), key).toEqual(placeholders(en[key]));
    }
  });

  it("fills placeholders and maps unknown reason codes to words", () => {
    const t = translator(catalog("ru"), "ru");
    expect(t("inbox.via", { channel: "Telegram" })).toBe("через Telegram");
    expect(t(reasonKey("blocked_by_user"))).toBe("Клиент заблокировал бота.");
    expect(reasonKey("something_new")).toBe("reason.unknown");
    expect(reasonKey(null)).toBe("reason.unknown");
  });

  it("formats ICU plurals with each language's own rules", () => {
    const messages = { ...catalog("ru"), "app.name": "{count, plural, one {# канал} few {# канала} many {# каналов} other {# канала}}" };
    const ru = translator(messages, "ru");
    expect([1, 2, 5, 21, 1.5].map((count) => ru("app.name", { count }))).toEqual(["1 канал", "2 канала", "5 каналов", "21 канал", "1,5 канала"]);
    const en = translator({ ...catalog("en"), "app.name": "{count, plural, one {# channel} other {# channels}}" }, "en");
    expect([1, 2, 1000].map((count) => en("app.name", { count }))).toEqual(["1 channel", "2 channels", "1,000 channels"]);
  });

  it("negotiates the first visit's language from Accept-Language by weight", () => {
    expect(negotiateLocale("ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7")).toBe("ru");
    expect(negotiateLocale("de-DE,de;q=0.9,uk;q=0.8,ru;q=0.5")).toBe("uk");
    expect(negotiateLocale("en;q=0.2, uk;q=0.9")).toBe("uk");
    expect(negotiateLocale("ru;q=0, fr")).toBe("en");
    expect(negotiateLocale("")).toBe("en");
    expect(negotiateLocale(null)).toBe("en");
  });

  it("writes dates in the chosen language, not the machine's", () => {
    const when = new Date("2026-12-02T14:51:00Z");
    expect(formatDateTime("ru", when)).toMatch(/дек/);
    expect(formatDateTime("uk", when)).toMatch(/груд/);
    expect(formatDateTime("en", when)).toMatch(/Dec/);
  });

  it("picks the customer's language from their app's language tag", () => {
    expect(localeForLanguageTag("ru")).toBe("ru");
    expect(localeForLanguageTag("uk-UA")).toBe("uk");
    expect(localeForLanguageTag("de")).toBe("en");
    expect(localeForLanguageTag(undefined)).toBe("en");
  });
});
