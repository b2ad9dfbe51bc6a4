import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "../../../db";
import { companies, contacts, conversations, messages } from "../../../db/schema";
import { callerFor, postTelegramUpdate, seedTestCompany } from "../../testing/factories";

type Company = Awaited<ReturnType<typeof seedTestCompany>>;
const admin = (co: Company) => callerFor({ id: co.admin.id, companyId: co.companyId, role: "admin" });
const operator = (co: Company, i = 0) => callerFor({ id: co.operators[i]!.id, companyId: co.companyId, role: "operator" });

async function conversationWith(co: Company, name: string) {
  const [row] = await db
    .select({ id: conversations.id })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(and(eq(conversations.companyId, co.companyId), eq(contacts.displayName, name)));
  return row!.id;
}

const hours = { code: "/Hours", title: "Opening hours", defaultLocale: "en" as const, bodies: { en: "Hi {{contact.first_name}}, {{company.name}} is open 9–18. — {{operator.name}}", ru: "Здравствуйте, {{contact.name}}! Мы работаем с 9 до 18.", uk: "" } };

describe("saved replies", () => {
  it("admins keep the company's replies; codes are unique per scope, said in words; bad input is refused in words", async () => {
    const co = await seedTestCompany();
    const a = admin(co);
    const created = await a.savedReplies.company.create(hours);
    expect(created).toMatchObject({ code: "hours", title: "Opening hours", defaultLocale: "en" });
    expect(created.bodies).toEqual({ en: hours.bodies.en, ru: hours.bodies.ru }); // the empty variant is dropped
    await expect(a.savedReplies.company.create({ ...hours, code: "hours" })).rejects.toMatchObject({ code: "CONFLICT", message: "savedReplies.errors.codeTaken" });
    // The same code as a personal reply is another scope: allowed, once per person.
    await a.savedReplies.mine.create({ ...hours, title: "My hours" });
    await expect(a.savedReplies.mine.create(hours)).rejects.toMatchObject({ code: "CONFLICT", message: "savedReplies.errors.codeTaken" });
    await operator(co).savedReplies.mine.create(hours);

    await expect(a.savedReplies.company.create({ ...hours, code: "order", bodies: { en: "Your order {{order.id}}?" } })).rejects.toMatchObject({ code: "BAD_REQUEST", message: "savedReplies.errors.unknownVariable" });
    await expect(a.savedReplies.company.create({ ...hours, code: "order", defaultLocale: "uk" })).rejects.toMatchObject({ code: "BAD_REQUEST", message: "savedReplies.errors.defaultMissing" });
    await expect(a.savedReplies.company.create({ ...hours, code: "two words" })).rejects.toMatchObject({ code: "BAD_REQUEST" });

    const renamed = await a.savedReplies.company.create({ ...hours, code: "refund", title: "Refund" });
    await expect(a.savedReplies.company.update({ ...hours, id: renamed.id, code: "hours" })).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await a.savedReplies.company.update({ ...hours, id: renamed.id, code: "refunds", title: "Refunds" })).toMatchObject({ code: "refunds", title: "Refunds" });
    expect(await a.savedReplies.company.delete({ id: renamed.id })).toMatchObject({ code: "refunds" });
    expect((await a.savedReplies.list()).map((r) => [r.code, r.scope, r.title])).toEqual([
      ["hours", "personal", "My hours"],
      ["hours", "company", "Opening hours"],
    ]);
  });

  it("operators use the company's replies and manage only their own", async () => {
    const co = await seedTestCompany();
    const shared = await admin(co).savedReplies.company.create(hours);
    const mine = await operator(co, 0).savedReplies.mine.create({ ...hours, code: "thanks", title: "Thanks", bodies: { en: "Thank you, {{contact.name}}!" } });
    const theirs = await operator(co, 1).savedReplies.mine.create({ ...hours, code: "bye", title: "Bye", bodies: { en: "Bye!" } });

    const op = operator(co, 0);
    await expect(op.savedReplies.company.update({ ...hours, id: shared.id, title: "Mine now" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    // Another person's reply, or the company's through the personal procedures, is not found.
    await expect(op.savedReplies.mine.update({ ...hours, id: theirs.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(op.savedReplies.mine.delete({ id: theirs.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(op.savedReplies.mine.delete({ id: shared.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    // An admin cannot reach an operator's personal reply either.
    await expect(admin(co).savedReplies.mine.delete({ id: mine.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await op.savedReplies.mine.update({ ...hours, id: mine.id, code: "thanks", title: "Thanks!", bodies: { en: "Thanks" } })).toMatchObject({ title: "Thanks!" });
    expect((await op.savedReplies.list()).map((r) => r.code)).toEqual(["hours", "thanks"]);
  });

  it("search finds code, title and text in the caller's company and own replies only, rendered for the conversation", async () => {
    const co = await seedTestCompany();
    const other = await seedTestCompany("Other Co");
    await admin(co).savedReplies.company.create(hours);
    await admin(co).savedReplies.company.create({ code: "refund", title: "Refund policy", defaultLocale: "en", bodies: { en: "Refunds take 100% of 5_days." } });
    await operator(co, 1).savedReplies.mine.create({ code: "hours2", title: "Someone else's", defaultLocale: "en", bodies: { en: "no" } });
    await admin(other).savedReplies.company.create({ ...hours, code: "hours-other" });
    const ivan = await conversationWith(co, "Ivan Petrov");
    const op = operator(co, 0);

    const all = await op.savedReplies.search({ conversationId: ivan, query: "" });
    expect(all.replies.map((r) => r.code)).toEqual(["hours", "refund"]);
    const found = await op.savedReplies.search({ conversationId: ivan, query: "/HOU" });
    expect(found.replies).toHaveLength(1);
    expect(found.replies[0]).toMatchObject({ code: "hours", scope: "company", offered: "en" });
    expect(found.replies[0]!.variants).toEqual([
      { locale: "en", text: "Hi Ivan, Test Co is open 9–18. — Olena Operator" },
      { locale: "ru", text: "Здравствуйте, Ivan Petrov! Мы работаем с 9 до 18." },
    ]);
    expect((await op.savedReplies.search({ conversationId: ivan, query: "policy" })).replies.map((r) => r.code)).toEqual(["refund"]);
    expect((await op.savedReplies.search({ conversationId: ivan, query: "работаем" })).replies.map((r) => r.code)).toEqual(["hours"]);
    // `%` and `_` are letters to search for, not patterns.
    expect((await op.savedReplies.search({ conversationId: ivan, query: "100%" })).replies.map((r) => r.code)).toEqual(["refund"]);
    expect((await op.savedReplies.search({ conversationId: ivan, query: "5_d" })).replies.map((r) => r.code)).toEqual(["refund"]);
    expect((await op.savedReplies.search({ conversationId: ivan, query: "1_0" })).replies).toEqual([]);

    // Another company's conversation is not found.
    const theirs = await conversationWith(other, "Ivan Petrov");
    await expect(op.savedReplies.search({ conversationId: theirs, query: "" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("offers the customer's language from Telegram, else the company's email language", async () => {
    const co = await seedTestCompany();
    await admin(co).savedReplies.company.create(hours);
    const ivan = await conversationWith(co, "Ivan Petrov");
    const op = operator(co, 0);
    // No language known: the company's email language, when the reply has it.
    await db.update(companies).set({ locale: "ru" }).where(eq(companies.id, co.companyId));
    expect((await op.savedReplies.search({ conversationId: ivan, query: "hours" })).replies[0]!.offered).toBe("ru");

    // A customer whose Telegram is in Ukrainian: stored on the contact; the reply has no Ukrainian, so Russian (the company's).
    const chat = { id: 777000111, first_name: "Taras", language_code: "uk" };
    const res = await postTelegramUpdate(co.telegram.channelId, co.telegram.webhookSecret, {
      update_id: 9001,
      message: { message_id: 9001, date: Math.floor(Date.now() / 1000), chat: { id: chat.id, first_name: chat.first_name, type: "private" }, from: { ...chat, is_bot: false }, text: "Коли ви працюєте?" },
    });
    expect(res.status).toBe(200);
    const [taras] = await db.select({ conversationId: messages.conversationId }).from(messages).where(and(eq(messages.companyId, co.companyId), eq(messages.text, "Коли ви працюєте?")));
    const [contact] = await db.select({ languageCode: contacts.languageCode }).from(contacts).where(and(eq(contacts.companyId, co.companyId), eq(contacts.externalId, "777000111")));
    expect(contact!.languageCode).toBe("uk");
    const ukHours = await admin(co).savedReplies.company.create({ ...hours, code: "hours-uk", bodies: { ...hours.bodies, uk: "Вітаємо, {{contact.first_name}}! Працюємо з 9 до 18." } });
    const search = await op.savedReplies.search({ conversationId: taras!.conversationId, query: "hours" });
    expect(search.language).toBe("uk");
    expect(search.replies.map((r) => [r.code, r.offered])).toEqual([
      ["hours", "ru"],
      ["hours-uk", "uk"],
    ]);
    expect(search.replies.find((r) => r.id === ukHours.id)!.variants.find((v) => v.locale === "uk")!.text).toBe("Вітаємо, Taras! Працюємо з 9 до 18.");
  });
});
