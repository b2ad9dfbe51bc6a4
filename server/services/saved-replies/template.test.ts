import { describe, expect, it } from "vitest";
import { chooseVariant, firstName, languageName, renderTemplate, savedReplyLocale, templateVariables, unknownVariables, type TemplateValues } from "./template";

const values: TemplateValues = { "contact.name": "Ivan Petrov", "contact.first_name": "Ivan", "operator.name": "Olga", "company.name": "Acme" };

describe("saved reply variables", () => {
  it("fills every known variable, with or without spaces inside the braces", () => {
    expect(renderTemplate("Hi {{contact.first_name}}, {{ operator.name }} from {{company.name}} here. ({{contact.name}})", values)).toEqual({
      text: "Hi Ivan, Olga from Acme here. (Ivan Petrov)",
      unknown: [],
    });
  });

  it("keeps unknown variables as written and lists them, once each", () => {
    expect(renderTemplate("Order {{order.id}} for {{contact.name}}; again {{order.id}}, {{ Contact.Name }}", values)).toEqual({
      text: "Order {{order.id}} for Ivan Petrov; again {{order.id}}, {{ Contact.Name }}",
      unknown: ["order.id", "Contact.Name"],
    });
    expect(unknownVariables("{{contact.name}} {{ticket}} {{}}")).toEqual(["ticket", ""]);
    expect(templateVariables("{{contact.name}} and {{contact.name}}")).toEqual(["contact.name"]);
  });

  it("does not expand a value that looks like a variable (a customer named after one)", () => {
    expect(renderTemplate("Hello {{contact.name}}", { ...values, "contact.name": "{{company.name}}" }).text).toBe("Hello {{company.name}}");
  });

  it("leaves single braces and text without variables alone", () => {
    expect(renderTemplate("{not} a {{variable", values)).toEqual({ text: "{not} a {{variable", unknown: [] });
  });

  it("takes the first word of a name as the first name", () => {
    expect(firstName("  Ivan   Petrov ")).toBe("Ivan");
    expect(firstName("Олена")).toBe("Олена");
  });
});

describe("saved reply language", () => {
  it("reads language tags as the reply languages, or none", () => {
    expect(["ru", "uk-UA", "en_US", "EN", "de", "", null, undefined].map(savedReplyLocale)).toEqual(["ru", "uk", "en", "en", null, null, null, null]);
  });

  it("offers the customer's language when the reply has it, then the company's, then the reply's default", () => {
    expect(chooseVariant(["en", "ru", "uk"], "en", ["uk-UA", "ru"])).toBe("uk");
    expect(chooseVariant(["en", "ru"], "en", ["uk", "ru"])).toBe("ru");
    expect(chooseVariant(["ru", "uk"], "uk", ["de", "en"])).toBe("uk");
    expect(chooseVariant(["en"], "en", [null, undefined])).toBe("en");
  });
});

describe("language names", () => {
  it("names a reply's language in the reader's language", () => {
    expect(languageName("ru", "en")).toBe("Russian");
    expect(languageName("uk", "ru")).toBe("украинский");
    expect(languageName("en", "uk")).toBe("англійська");
  });
});
