import { describe, expect, it } from "vitest";
import { catalog, translator } from "../../index";

describe("contacts area: plural forms and names in each language", () => {
  it("counts contacts, notes and conversations with Russian and Ukrainian plural rules", () => {
    const ru = translator(catalog("ru"), "ru");
    const uk = translator(catalog("uk"), "uk");
    const en = translator(catalog("en"), "en");
    expect([1, 3, 5, 21].map((count) => ru("contacts.notes.count", { count }))).toEqual(["1 заметка", "3 заметки", "5 заметок", "21 заметка"]);
    expect([2, 5].map((count) => uk("contacts.panel.contacts", { count }))).toEqual(["Та сама людина: 2 контакти", "Та сама людина: 5 контактів"]);
    expect(ru("contacts.panel.conversationsShown", { shown: 50, count: 51 })).toBe("Последние 50 из 51 диалога.");
    expect([1, 2].map((count) => en("contacts.merge.results", { count }))).toEqual(["1 contact found", "2 contacts found"]);
  });

  it("names both contacts in the merge confirmation", () => {
    const uk = translator(catalog("uk"), "uk");
    expect(uk("contacts.merge.confirm", { name: "Іван", channel: "Telegram · AcmeBot", other: "Іван П.", otherChannel: "VK · Acme VK" })).toBe(
      "Об'єднати Іван (Telegram · AcmeBot) з Іван П. (VK · Acme VK)? Їхні діалоги показуватимуться разом; відповіді й надалі йдуть у той канал, куди написав клієнт.",
    );
  });
});
