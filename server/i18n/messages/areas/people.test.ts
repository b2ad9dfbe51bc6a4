import { describe, expect, it } from "vitest";
import { catalog, translator } from "../../index";

describe("people area: plural forms in each language", () => {
  it("counts channels, people and emails with Russian and Ukrainian plural rules", () => {
    const ru = translator(catalog("ru"), "ru");
    const uk = translator(catalog("uk"), "uk");
    const en = translator(catalog("en"), "en");
    expect([0, 1, 2, 5, 21].map((count) => ru("people.lines.channels", { count }))).toEqual(["На этой линии пока нет каналов", "1 канал", "2 канала", "5 каналов", "21 канал"]);
    expect([1, 2, 5].map((count) => uk("people.lines.channels", { count }))).toEqual(["1 канал", "2 канали", "5 каналів"]);
    expect([1, 3, 11].map((count) => ru("people.mailbox.count", { count }))).toEqual(["1 письмо", "3 письма", "11 писем"]);
    expect([1, 4, 7].map((count) => uk("people.teams.members", { count }))).toEqual(["1 учасник", "4 учасники", "7 учасників"]);
    expect([1, 2].map((count) => en("people.count", { count }))).toEqual(["1 person", "2 people"]);
  });

  it("says what deleting a line does to its channels", () => {
    const en = translator(catalog("en"), "en");
    expect(en("people.lines.delete.confirm", { line: "Sales", count: 2 })).toBe("Delete the line Sales? Its 2 channels stay connected, with no line. Its conversations are kept.");
    expect(en("people.lines.delete.confirm", { line: "Sales", count: 0 })).toBe("Delete the line Sales? It has no channels. Its conversations are kept.");
    const ru = translator(catalog("ru"), "ru");
    expect(ru("people.lines.delete.confirm", { line: "Продажи", count: 3 })).toContain("Её 3 канала останутся подключёнными, но без линии.");
  });
});
