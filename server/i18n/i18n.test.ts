import { describe, expect, it } from "vitest";
import { catalog, localeForLanguageTag, locales, reasonKey, translator } from "./index";
import { en } from "./messages/en";

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("message catalogs", () => {
  it.each(locales)("%s has every key, none empty, with the same placeholders as English", (locale) => {
    const messages = catalog(locale);
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(messages[key], key).toBeTruthy();
      expect(placeholders(messages[key]), key).toEqual(placeholders(en[key]));
    }
  });

  it("fills placeholders and maps unknown reason codes to words", () => {
    const t = translator(catalog("ru"));
    expect(t("inbox.via", { channel: "Telegram" })).toBe("через Telegram");
    expect(t(reasonKey("blocked_by_user"))).toBe("Клиент заблокировал бота.");
    expect(reasonKey("something_new")).toBe("reason.unknown");
    expect(reasonKey(null)).toBe("reason.unknown");
  });

  it("picks the customer's language from their app's language tag", () => {
    expect(localeForLanguageTag("ru")).toBe("ru");
    expect(localeForLanguageTag("uk-UA")).toBe("uk");
    expect(localeForLanguageTag("de")).toBe("en");
    expect(localeForLanguageTag(undefined)).toBe("en");
  });
});
