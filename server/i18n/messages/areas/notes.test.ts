import { describe, expect, it } from "vitest";
import { catalog, translator } from "../../index";

describe("notes area: plural forms in each language", () => {
  it("counts unread mentions and suggestions with Russian and Ukrainian plural rules, and says none in words", () => {
    const ru = translator(catalog("ru"), "ru");
    const uk = translator(catalog("uk"), "uk");
    const en = translator(catalog("en"), "en");
    expect([0, 1, 3, 5, 21].map((count) => ru("inbox.mentions.unread", { count }))).toEqual([
      "Нет непрочитанных упоминаний",
      "1 непрочитанное упоминание",
      "3 непрочитанных упоминания",
      "5 непрочитанных упоминаний",
      "21 непрочитанное упоминание",
    ]);
    expect([1, 2, 11].map((count) => uk("inbox.mentions.unread", { count }))).toEqual(["1 непрочитана згадка", "2 непрочитані згадки", "11 непрочитаних згадок"]);
    expect([0, 1, 2].map((count) => en("inbox.mentions.unread", { count }))).toEqual(["No unread mentions", "1 unread mention", "2 unread mentions"]);
    expect(uk("inbox.mention.matches", { count: 0 })).toBe("Ніхто не підходить");
    expect(ru("inbox.mention.matches", { count: 2 })).toBe("Подходят 2 человека: выберите стрелками, Enter — упомянуть");
  });
});
