import { describe, expect, it } from "vitest";
import { catalog, localeForLanguageTag, locales, reasonKey, translator } from "./index";
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

  it("picks the customer's language from their app's language tag", () => {
    expect(localeForLanguageTag("ru")).toBe("ru");
    expect(localeForLanguageTag("uk-UA")).toBe("uk");
    expect(localeForLanguageTag("de")).toBe("en");
    expect(localeForLanguageTag(undefined)).toBe("en");
  });
});
