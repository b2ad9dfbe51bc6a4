import { IntlMessageFormat } from "intl-messageformat";
import { describe, expect, it } from "vitest";
import { REQUIRED_PERMISSIONS } from "../../../channels/meta/permissions";
import { catalog, translator } from "../../index";
import { metaWizard } from "./meta-wizard";

const locales = ["en", "ru", "uk"] as const;

describe("Meta wizard catalog", () => {
  it("every message compiles as ICU in its language, with the same placeholders in every language", () => {
    const names = (template: string) => [...template.matchAll(/\{(\w+)[,}]/g)].map((m) => m[1]).sort();
    for (const [key, english] of Object.entries(metaWizard.en)) {
      for (const locale of locales) {
        const template = metaWizard[locale][key as keyof typeof metaWizard.en];
        expect(() => new IntlMessageFormat(template, locale), `${locale} ${key}`).not.toThrow();
        expect([...new Set(names(template))], `${locale} ${key}`).toEqual([...new Set(names(english))]);
      }
    }
  });

  it("Russian and Ukrainian plurals have their one / few / many / other forms", () => {
    for (const locale of ["ru", "uk"] as const) {
      for (const [key, template] of Object.entries(metaWizard[locale])) {
        if (template.includes("plural")) for (const form of ["one {", "few {", "many {", "other {"]) expect(template, `${locale} ${key}`).toContain(form);
      }
    }
    const ru = translator(catalog("ru"), "ru");
    expect([1, 2, 5].map((count) => ru("metaWizard.permissions.blocked", { count }))).toEqual([
      "1 разрешение выключено: продолжить можно, только когда все включены.",
      "2 разрешения выключены: продолжить можно, только когда все включены.",
      "5 разрешений выключено: продолжить можно, только когда все включены.",
    ]);
    expect(translator(catalog("uk"), "uk")("metaWizard.done.recoveredCount", { count: 5 })).toBe("5 повідомлень відновлено");
    expect(translator(catalog("en"), "en")("metaWizard.done.recoveredCount", { count: 0 })).toBe("None recovered");
  });

  it("says what breaks without each required permission, in every language", () => {
    for (const locale of locales) {
      for (const permission of REQUIRED_PERMISSIONS) {
        expect(metaWizard[locale][`metaWizard.permission.${permission}.breaks` as keyof typeof metaWizard.en], `${locale} ${permission}`).toMatch(/\S/);
      }
    }
  });
});
