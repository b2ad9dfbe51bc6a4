import { describe, expect, it } from "vitest";
import { catalog, translator } from "../../index";

describe("inbox area: plural forms and words in each language", () => {
  it("counts waiting time and unread messages with Russian and Ukrainian plural rules", () => {
    const ru = translator(catalog("ru"), "ru");
    const uk = translator(catalog("uk"), "uk");
    const en = translator(catalog("en"), "en");
    expect([1, 3, 5, 21].map((count) => ru("inbox.waiting.minutes", { count }))).toEqual(["Ждёт 1 минуту", "Ждёт 3 минуты", "Ждёт 5 минут", "Ждёт 21 минуту"]);
    expect([1, 2, 11].map((count) => uk("inbox.waiting.hours", { count }))).toEqual(["Чекає 1 годину", "Чекає 2 години", "Чекає 11 годин"]);
    expect([1, 4, 7].map((count) => ru("inbox.row.unread", { count }))).toEqual(["1 непрочитанное сообщение", "4 непрочитанных сообщения", "7 непрочитанных сообщений"]);
    expect([1, 2, 5].map((count) => uk("inbox.thread.newMessages", { count }))).toEqual(["1 нове повідомлення", "2 нові повідомлення", "5 нових повідомлень"]);
    expect([1, 2].map((count) => en("inbox.waiting.days", { count }))).toEqual(["Waiting 1 day", "Waiting 2 days"]);
  });

  it("renders system notes and refusals with their names", () => {
    const en = translator(catalog("en"), "en");
    const uk = translator(catalog("uk"), "uk");
    expect(en("inbox.note.assigned", { by: "Oleh", name: "Anna" })).toBe("Oleh assigned this conversation to Anna");
    expect(en("inbox.note.closed", { name: "Oleh" })).toBe("Closed by Oleh");
    expect(uk("inbox.outcome.taken_by", { name: "Анна" })).toBe("Уже взяв(ла) Анна.");
  });

  it("says what an erasure removed, in counts, with each language's plural forms", () => {
    const ru = translator(catalog("ru"), "ru");
    const uk = translator(catalog("uk"), "uk");
    const en = translator(catalog("en"), "en");
    expect(en("inbox.erase.done", { name: "Ann", messages: 1, files: 2, events: 5 })).toBe(
      "Ann's data has been erased: 1 message, 2 files and 5 stored webhook events. Nothing of the contact is kept.",
    );
    expect(ru("inbox.erase.done", { name: "Аня", messages: 3, files: 5, events: 21 })).toBe(
      "Данные контакта Аня стёрты: 3 сообщения, 5 файлов и 21 сохранённое событие вебхука. От контакта ничего не осталось.",
    );
    expect(uk("inbox.erase.running", { name: "Аня", messages: 11 })).toBe("Дані контакту Аня стираються… Уже стерто: 11 повідомлень.");
  });

  it("counts a person's contacts in the erasure's confirmation and outcome", () => {
    const ru = translator(catalog("ru"), "ru");
    const uk = translator(catalog("uk"), "uk");
    const en = translator(catalog("en"), "en");
    expect([2, 3].map((count) => en("inbox.erasePerson.action", { count }))).toEqual(["Erase 2 contacts of this person…", "Erase 3 contacts of this person…"]);
    expect([2, 5, 21].map((count) => ru("inbox.erasePerson.action", { count }))).toEqual(["Стереть 2 контакта этого человека…", "Стереть 5 контактов этого человека…", "Стереть 21 контакт этого человека…"]);
    expect([2, 5].map((count) => uk("inbox.erasePerson.confirmYes", { count }))).toEqual(["Так, стерти 2 контакти назавжди", "Так, стерти 5 контактів назавжди"]);
    expect(en("inbox.erasePerson.done", { name: "Ann", count: 3, messages: 1, files: 0, events: 2 })).toBe(
      "Ann's data has been erased from 3 contacts: 1 message, 0 files and 2 stored webhook events. Nothing of the person is kept.",
    );
    expect(ru("inbox.erasePerson.done", { name: "Аня", count: 2, messages: 5, files: 1, events: 3 })).toBe(
      "Данные человека Аня стёрты из 2 контактов: 5 сообщений, 1 файл и 3 сохранённых события вебхуков. От этого человека ничего не осталось.",
    );
  });
});
