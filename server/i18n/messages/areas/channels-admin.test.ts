import { IntlMessageFormat } from "intl-messageformat";
import { describe, expect, it } from "vitest";
import { catalog, translator } from "../../index";
import { channelsAdmin } from "./channels-admin";

const locales = ["en", "ru", "uk"] as const;

describe("channels admin catalog", () => {
  it("every message compiles as ICU in its language, with the same placeholders in every language", () => {
    const names = (template: string) => [...template.matchAll(/\{(\w+)[,}]/g)].map((m) => m[1]).sort();
    for (const [key, english] of Object.entries(channelsAdmin.en)) {
      for (const locale of locales) {
        const template = channelsAdmin[locale][key as keyof typeof channelsAdmin.en];
        expect(() => new IntlMessageFormat(template, locale), `${locale} ${key}`).not.toThrow();
        expect([...new Set(names(template))], `${locale} ${key}`).toEqual([...new Set(names(english))]);
      }
    }
  });

  it("Russian and Ukrainian plurals have their one / few / many forms", () => {
    for (const locale of ["ru", "uk"] as const) {
      for (const [key, template] of Object.entries(channelsAdmin[locale])) {
        if (!template.includes("plural")) continue;
        for (const form of ["one {", "few {", "many {", "other {"]) expect(template, `${locale} ${key}`).toContain(form);
      }
    }
    const count = (locale: "ru" | "uk", n: number) => translator(catalog(locale), locale)("channelsAdmin.groupCount", { count: n });
    expect([1, 2, 5, 21].map((n) => count("ru", n))).toEqual(["1 канал", "2 канала", "5 каналов", "21 канал"]);
    expect([1, 2, 5, 21].map((n) => count("uk", n))).toEqual(["1 канал", "2 канали", "5 каналів", "21 канал"]);
  });
});
