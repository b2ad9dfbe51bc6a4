import { IntlMessageFormat } from "intl-messageformat";
import { describe, expect, it } from "vitest";
import { catalog, translator } from "../../index";
import { health } from "./health";

const locales = ["en", "ru", "uk"] as const;

describe("channel health catalog", () => {
  it("every message compiles as ICU in its language, with the same placeholders in every language", () => {
    const names = (template: string) => [...template.matchAll(/\{(\w+)[,}]/g)].map((m) => m[1]).sort();
    for (const [key, english] of Object.entries(health.en)) {
      for (const locale of locales) {
        const template = health[locale][key as keyof typeof health.en];
        expect(() => new IntlMessageFormat(template, locale), `${locale} ${key}`).not.toThrow();
        expect([...new Set(names(template))], `${locale} ${key}`).toEqual([...new Set(names(english))]);
      }
    }
  });

  it("Russian and Ukrainian plurals have their one / few / many forms; VK is ВКонтакте", () => {
    for (const locale of ["ru", "uk"] as const) {
      for (const [key, template] of Object.entries(health[locale])) {
        if (template.includes("plural")) for (const form of ["one {", "few {", "many {", "other {"]) expect(template, `${locale} ${key}`).toContain(form);
        if (key.includes(".vk")) expect(template, `${locale} ${key}`).not.toMatch(/\bVK\b/);
      }
    }
    const recovered = (locale: "en" | "ru" | "uk", n: number) => translator(catalog(locale), locale)("health.recovery.done", { count: n });
    expect([0, 1, 3].map((n) => recovered("en", n))).toEqual([
      "Recovery finished: no messages were missed.",
      "Recovery finished: 1 missed message recovered.",
      "Recovery finished: 3 missed messages recovered.",
    ]);
    expect([1, 2, 5, 21].map((n) => recovered("ru", n))).toEqual([
      "Восстановление завершено: 1 сообщение восстановлено.",
      "Восстановление завершено: 2 сообщения восстановлены.",
      "Восстановление завершено: 5 сообщений восстановлено.",
      "Восстановление завершено: 21 сообщение восстановлено.",
    ]);
    expect(recovered("uk", 5)).toBe("Відновлення завершено: 5 повідомлень відновлено.");
  });
});
