import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createDatabase, db } from "../../../db";
import { contacts, conversations, conversationTermBacklog, inboxCountDeltas, lines, messages } from "../../../db/schema";
import { callerFor, postTelegramUpdate, seedTestCompany } from "../../testing/factories";
import { foldInboxCounts } from "./fold-inbox-counts";
import { listInbox } from "./list-inbox";

type Company = Awaited<ReturnType<typeof seedTestCompany>>;

// PostgreSQL only: a second session on the same database (PGlite serves one), to hold a row lock.
const onPostgres = inject("databaseKind") === "postgres";
const second = onPostgres ? createDatabase(inject("databaseUrl"), 2) : undefined;
afterAll(async () => {
  await second?.client.end({ timeout: 5 });
});
const operatorA = (co: Company) => callerFor({ id: co.operators[0]!.id, companyId: co.companyId, role: "operator" });
const operatorB = (co: Company) => callerFor({ id: co.operators[1]!.id, companyId: co.companyId, role: "operator" });
const admin = (co: Company) => callerFor({ id: co.admin.id, companyId: co.companyId, role: "admin" });

let updateId = Math.floor(Math.random() * 1e8);
/** A customer writes to the company's Telegram bot from their own chat. */
async function customerWrites(co: Company, text: string, chat: { id: number; first_name: string; username?: string } = { id: 555000111, first_name: "Dmytro" }) {
  const res = await postTelegramUpdate(co.telegram.channelId, co.telegram.webhookSecret, {
    update_id: ++updateId,
    message: { message_id: updateId, date: Math.floor(Date.now() / 1000), chat: { ...chat, type: "private" }, from: { ...chat, is_bot: false }, text },
  });
  expect(res.status).toBe(200);
  const [row] = await db
    .select({ conversationId: conversations.id, status: conversations.status })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .where(and(eq(messages.companyId, co.companyId), eq(messages.text, text)));
  return row!;
}

describe("inbox: tabs, counts, filters, search", () => {
  it("lists each tab with its count; with no input, the first page of open conversations", async () => {
    const co = await seedTestCompany();
    const a = operatorA(co);
    const open = await a.inbox.list();
    expect(open.map((c) => c.contactName).sort()).toEqual(["Ivan Petrov", "Maria Lopez", "Olga Sidorova"]);
    expect(await a.inbox.counts()).toEqual({ new: 2, in_progress: 1, closed: 1, mine: 1 });
    expect((await a.inbox.list({ tab: "new" })).map((c) => c.contactName).sort()).toEqual(["Ivan Petrov", "Maria Lopez"]);
    expect((await a.inbox.list({ tab: "mine" })).map((c) => c.contactName)).toEqual(["Olga Sidorova"]);
    expect((await a.inbox.list({ tab: "closed" })).map((c) => c.contactName)).toEqual(["Taras Shevchuk"]);
    expect((await operatorB(co).inbox.counts()).mine).toBe(0);

    const ivan = open.find((c) => c.contactName === "Ivan Petrov")!;
    expect(ivan).toMatchObject({ provider: "telegram", lineName: "Sales", preview: "Hello! Is the blue kettle in stock?", unread: 1, assigneeName: null, banned: false });
    expect(ivan.waitingSince).toBeInstanceOf(Date);
    const olga = open.find((c) => c.contactName === "Olga Sidorova")!;
    expect(olga).toMatchObject({ channelStatus: "disconnected", assigneeName: "Olena Operator", waitingSince: null });
    expect(open.find((c) => c.contactName === "Maria Lopez")!.handler).toBe("bot");
  });

  it("filters by line, channel, messenger, assignee and team", async () => {
    const co = await seedTestCompany();
    const a = operatorA(co);
    const [sales, support] = co.lineIds;
    expect((await a.inbox.list({ lineId: sales })).map((c) => c.contactName).sort()).toEqual(["Ivan Petrov", "Maria Lopez"]);
    expect((await a.inbox.list({ lineId: support })).map((c) => c.contactName)).toEqual(["Olga Sidorova"]);
    expect((await a.inbox.list({ channelId: co.telegram.channelId })).map((c) => c.contactName)).toEqual(["Ivan Petrov"]);
    expect((await a.inbox.list({ provider: "messenger" })).map((c) => c.contactName)).toEqual(["Maria Lopez"]);
    expect((await a.inbox.list({ assigneeId: co.operators[0]!.id })).map((c) => c.contactName)).toEqual(["Olga Sidorova"]);
    expect((await a.inbox.list({ assigneeId: "none" })).map((c) => c.contactName).sort()).toEqual(["Ivan Petrov", "Maria Lopez"]);
    const { teams } = await a.inbox.options();
    expect((await a.inbox.list({ teamId: teams[0]!.id })).length).toBe(3);
    expect(await a.inbox.counts({ provider: "messenger" })).toEqual({ new: 1, in_progress: 0, closed: 0, mine: 0 });
  });

  it("searches contact names, handles and message words, in Russian and Ukrainian too", async () => {
    const co = await seedTestCompany();
    const a = operatorA(co);
    await customerWrites(co, "Здравствуйте, где мой ЗАКАЗ номер 77?", { id: 700000001, first_name: "Сергей", username: "sergey_kyiv" });
    await customerWrites(co, "Доброго дня! Коли прийде замовлення?", { id: 700000002, first_name: "Ірина" });
    const names = async (q: string, tab?: "open" | "closed") => (await a.inbox.list({ q, tab })).map((c) => c.contactName).sort();
    expect(await names("заказ")).toEqual(["Сергей"]);
    expect(await names("ЗАКАЗ 77")).toEqual(["Сергей"]);
    expect(await names("замовл")).toEqual(["Ірина"]);
    expect(await names("ірина")).toEqual(["Ірина"]);
    expect(await names("серг")).toEqual(["Сергей"]);
    expect(await names("sergey_kyiv")).toEqual(["Сергей"]);
    expect(await names("@sergey")).toEqual(["Сергей"]);
    expect(await names("kettle")).toEqual(["Ivan Petrov"]);
    expect(await names("petrov")).toEqual(["Ivan Petrov"]);
    expect(await names("discount", "closed")).toEqual(["Taras Shevchuk"]);
    expect(await names("nothing-like-this")).toEqual([]);
    expect(await names("'); drop table messages; --")).toEqual([]);
    expect(await a.inbox.counts({ q: "замовлення" })).toEqual({ new: 1, in_progress: 0, closed: 0, mine: 0 });
  });

  it("a handle search matches the handle whole, not its parts as words", async () => {
    const co = await seedTestCompany();
    const a = operatorA(co);
    // Ivan Petrov (seeded) wrote about a "blue kettle": "petro" and "b" as words would both match him.
    await customerWrites(co, "Добрий день", { id: 710000001, first_name: "Petro Bilyk", username: "petro_b" });
    await customerWrites(co, "Hi", { id: 710000002, first_name: "Anna", username: "petro_bondar" });
    const names = async (q: string) => (await a.inbox.list({ q })).map((c) => c.contactName).sort();
    expect(await names("@petro_b")).toEqual(["Anna", "Petro Bilyk"]);
    expect(await names("@PETRO_BI")).toEqual([]);
    expect(await names("@petro_bo")).toEqual(["Anna"]);
    expect(await names("petro_bondar")).toEqual(["Anna"]);
    expect(await names("petro")).toEqual(["Anna", "Ivan Petrov", "Petro Bilyk"]);
    expect(await a.inbox.counts({ q: "@petro_b" })).toMatchObject({ new: 2 });
  });

  it("Russian and Ukrainian: ё is е, and inflected forms find each other", async () => {
    const co = await seedTestCompany();
    const a = operatorA(co);
    await customerWrites(co, "Всё пришло, спасибо за заказ", { id: 720000001, first_name: "Алёна" });
    await customerWrites(co, "Коли буде доставка замовлення?", { id: 720000002, first_name: "Ірина" });
    await customerWrites(co, "Оплатил два заказа картой", { id: 720000003, first_name: "Фёдор" });
    const names = async (q: string) => (await a.inbox.list({ q })).map((c) => c.contactName).sort();
    expect(await names("все пришло")).toEqual(["Алёна"]);
    expect(await names("ВСЁ")).toEqual(["Алёна"]);
    expect(await names("алена")).toEqual(["Алёна"]);
    expect(await names("федор")).toEqual(["Фёдор"]);
    expect(await names("заказа")).toEqual(["Алёна", "Фёдор"]);
    expect(await names("заказов")).toEqual(["Алёна", "Фёдор"]);
    expect(await names("заказом картой")).toEqual(["Фёдор"]);
    expect(await names("замовленням")).toEqual(["Ірина"]);
    expect(await names("доставку")).toEqual(["Ірина"]);
    expect(await a.inbox.counts({ q: "заказу" })).toMatchObject({ new: 2 });
    // A name renamed later (a profile looked up) is folded too.
    const [conv] = await db
      .select({ contactId: conversations.contactId })
      .from(conversations)
      .innerJoin(contacts, eq(contacts.id, conversations.contactId))
      .where(and(eq(conversations.companyId, co.companyId), eq(contacts.displayName, "Ірина")));
    await db.update(contacts).set({ displayName: "Ірина Соловйова", username: "iryna_s" }).where(eq(contacts.id, conv!.contactId));
    expect(await names("соловйовою")).toEqual(["Ірина Соловйова"]);
    expect(await names("@iryna")).toEqual(["Ірина Соловйова"]);
  });

  it("a search word may be in the contact or in any of their messages; new names and edited words are found", async () => {
    const co = await seedTestCompany();
    const a = operatorA(co);
    const { conversationId } = await customerWrites(co, "Where is my parcel?", { id: 730000001, first_name: "Bohdan" });
    await customerWrites(co, "It was a blue kettle", { id: 730000001, first_name: "Bohdan" });
    const names = async (q: string) => (await a.inbox.list({ q })).map((c) => c.contactName).sort();
    // Every word must match, each in the name or in any message of the conversation.
    expect(await names("bohdan parcel kettle")).toEqual(["Bohdan"]);
    expect(await names("bohdan discount")).toEqual([]);
    // A profile looked up later renames the contact: the new name is found.
    const [conv] = await db.select({ contactId: conversations.contactId }).from(conversations).where(eq(conversations.id, conversationId));
    await db.update(contacts).set({ displayName: "Bohdan Kovalenko", username: "bohdan_k" }).where(eq(contacts.id, conv!.contactId));
    expect(await names("kovalenko")).toEqual(["Bohdan Kovalenko"]);
    expect(await names("bohdan_k")).toEqual(["Bohdan Kovalenko"]);
    // An edit's new words are found.
    await db.update(messages).set({ text: "It was a green teapot" }).where(and(eq(messages.conversationId, conversationId), eq(messages.text, "It was a blue kettle")));
    expect(await names("teapot")).toEqual(["Bohdan Kovalenko"]);
  });

  it("search pages are the same whether the newest conversations hold the word or only the index finds it", async () => {
    const co = await seedTestCompany();
    const ctx = { db, companyId: co.companyId, actor: { kind: "user" as const, userId: co.operators[0]!.id, role: "operator" as const } };
    // Oldest first: the two "rare" ones are the oldest; "common" is in every one.
    for (let i = 0; i < 6; i++) await customerWrites(co, `common ${i < 2 ? "rare" : "plain"} ${i}`, { id: 750000000 + i, first_name: `Searcher ${i}` });
    const pages = async (q: string, searchProbe: number) => {
      const seen: string[] = [];
      let cursor: string | null = null;
      for (let guard = 0; guard < 10; guard++) {
        const page: Awaited<ReturnType<typeof listInbox>> = await listInbox({ ctx, input: { q, limit: 2, cursor }, searchProbe });
        seen.push(...page.map((c) => c.contactName));
        if (page.length < 2) break;
        cursor = page[page.length - 1]!.cursor;
      }
      return seen;
    };
    const newestFirst = ["Searcher 5", "Searcher 4", "Searcher 3", "Searcher 2", "Searcher 1", "Searcher 0"];
    // A probe of 2 conversations: "common" fills each page from them; "rare" is not among the newest two, so the
    // index finds it.
    expect(await pages("common", 2)).toEqual(newestFirst);
    expect(await pages("rare", 2)).toEqual(["Searcher 1", "Searcher 0"]);
    expect(await pages("rare", 1000)).toEqual(["Searcher 1", "Searcher 0"]);
    expect(await pages("common searcher", 3)).toEqual(newestFirst);
  });

  it.runIf(onPostgres)("storing a message never waits on a conversation's search terms held by another transaction; its words join at the next fold", { timeout: 20_000 }, async () => {
    const co = await seedTestCompany();
    const a = operatorA(co);
    const { conversationId } = await customerWrites(co, "first words", { id: 760000001, first_name: "Held" });
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let holding!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    const blocker = second!.client.begin(async (tx) => {
      await tx`select 1 from conversation_terms where conversation_id = ${conversationId} for update`;
      holding();
      await released;
    });
    try {
      await held;
      // The ingest path stores the message while the terms row is held: it does not wait for the holder.
      await customerWrites(co, "zebracrossing later", { id: 760000001, first_name: "Held" });
      expect(await db.select().from(conversationTermBacklog).where(eq(conversationTermBacklog.conversationId, conversationId))).toHaveLength(1);
      expect((await a.inbox.list({ q: "zebracrossing" })).map((c) => c.id)).toEqual([]);
      // A fold while it is still held leaves the words waiting.
      expect((await foldInboxCounts(db)).conversations).toBe(0);
    } finally {
      release();
      await blocker;
    }
    expect((await foldInboxCounts(db)).conversations).toBe(1);
    expect(await db.select().from(conversationTermBacklog).where(eq(conversationTermBacklog.conversationId, conversationId))).toEqual([]);
    expect((await a.inbox.list({ q: "zebracrossing first" })).map((c) => c.id)).toEqual([conversationId]);
  });

  it("tab counts stay exact through every change, whether or not the changes were folded into the count groups", async () => {
    const co = await seedTestCompany();
    const a = operatorA(co);
    const userId = co.operators[0]!.id;
    const [sales] = co.lineIds;
    /** The counts as a pass over the conversations says they are. */
    const truth = async (f: { lineId?: string; unassigned?: boolean } = {}) => {
      const rows = (
        await db
          .select({ status: conversations.status, assigneeId: conversations.assigneeId, lineId: conversations.lineId, bannedAt: contacts.bannedAt })
          .from(conversations)
          .innerJoin(contacts, eq(contacts.id, conversations.contactId))
          .where(eq(conversations.companyId, co.companyId))
      ).filter((r) => (!f.lineId || r.lineId === f.lineId) && (!f.unassigned || r.assigneeId === null));
      return {
        new: rows.filter((r) => r.status === "new").length,
        in_progress: rows.filter((r) => r.status === "in_progress").length,
        closed: rows.filter((r) => r.status === "closed" && !r.bannedAt).length,
        mine: rows.filter((r) => r.status !== "closed" && r.assigneeId === userId).length,
      };
    };
    const check = async (label: string) => {
      expect(await a.inbox.counts(), label).toEqual(await truth());
      expect(await a.inbox.counts({ lineId: sales }), `${label} (Sales)`).toEqual(await truth({ lineId: sales }));
      expect(await a.inbox.counts({ assigneeId: "none" }), `${label} (unassigned)`).toEqual(await truth({ unassigned: true }));
    };
    await check("seeded");
    const one = await customerWrites(co, "count me", { id: 740000001, first_name: "Count One" });
    const two = await customerWrites(co, "count me too", { id: 740000002, first_name: "Count Two" });
    await check("two new conversations");
    expect((await db.select().from(inboxCountDeltas).where(eq(inboxCountDeltas.companyId, co.companyId))).length).toBeGreaterThan(0);
    await foldInboxCounts(db);
    expect(await db.select().from(inboxCountDeltas).where(eq(inboxCountDeltas.companyId, co.companyId))).toEqual([]);
    await check("folded");
    expect((await a.inbox.take({ conversationId: one.conversationId })).ok).toBe(true);
    await check("taken");
    await operatorB(co).inbox.close({ conversationId: two.conversationId });
    await check("closed");
    await foldInboxCounts(db);
    await check("folded again");
    await admin(co).inbox.setBanned({ conversationId: two.conversationId, banned: true });
    await check("banned (its closed thread leaves Closed)");
    await a.inbox.close({ conversationId: one.conversationId });
    await a.inbox.reopen({ conversationId: one.conversationId });
    await check("closed and reopened");
    await db.delete(conversations).where(eq(conversations.id, one.conversationId));
    await check("deleted");
    await foldInboxCounts(db);
    await check("folded at the end");
  });

  it("pages the list and a thread by keyset, with no gaps and no repeats", async () => {
    const co = await seedTestCompany();
    const a = operatorA(co);
    for (let i = 0; i < 5; i++) await customerWrites(co, `page test ${i}`, { id: 710000000 + i, first_name: `Customer ${i}` });
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let guard = 0; guard < 10; guard++) {
      const page: Awaited<ReturnType<typeof a.inbox.list>> = await a.inbox.list({ tab: "open", limit: 2, cursor });
      seen.push(...page.map((c) => c.id));
      if (page.length < 2) break;
      cursor = page[page.length - 1]!.cursor;
    }
    const all = await a.inbox.list({ tab: "open", limit: 100 });
    expect(seen).toEqual(all.map((c) => c.id));
    expect(new Set(seen).size).toBe(8);

    const { conversationId } = await customerWrites(co, "thread message 0", { id: 720000001, first_name: "Long" });
    for (let i = 1; i < 7; i++) await customerWrites(co, `thread message ${i}`, { id: 720000001, first_name: "Long" });
    const first = await a.inbox.thread({ conversationId, limit: 3 });
    expect(first.messages.map((m) => m.text)).toEqual(["thread message 4", "thread message 5", "thread message 6"]);
    const second = await a.inbox.thread({ conversationId, limit: 3, before: first.olderCursor });
    expect(second.messages.map((m) => m.text)).toEqual(["thread message 1", "thread message 2", "thread message 3"]);
    const third = await a.inbox.thread({ conversationId, limit: 3, before: second.olderCursor });
    expect(third.messages.map((m) => m.text)).toEqual(["thread message 0"]);
    expect(third.olderCursor).toBeNull();
    // Only { conversationId }: the newest page, bounded.
    expect((await a.inbox.thread({ conversationId })).messages).toHaveLength(7);
  });

  it("counts unread per person and clears it when read", async () => {
    const co = await seedTestCompany();
    const { conversationId } = await customerWrites(co, "unread one");
    await customerWrites(co, "unread two");
    const a = operatorA(co);
    const b = operatorB(co);
    const unreadOf = async (who: typeof a) => (await who.inbox.list()).find((c) => c.id === conversationId)!.unread;
    expect(await unreadOf(a)).toBe(2);
    await a.inbox.markRead({ conversationId });
    expect(await unreadOf(a)).toBe(0);
    expect(await unreadOf(b)).toBe(2);
    await customerWrites(co, "unread three");
    expect(await unreadOf(a)).toBe(1);
  });
});

describe("inbox: take, assign, route, close, reopen", () => {
  it("take: two operators at once, one wins and the other is told who took it", async () => {
    const co = await seedTestCompany();
    const { conversationId } = await customerWrites(co, "who takes me?");
    const results = await Promise.all([operatorA(co).inbox.take({ conversationId }), operatorB(co).inbox.take({ conversationId })]);
    const winners = results.filter((r) => r.ok);
    const losers = results.filter((r) => !r.ok);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(1);
    const [row] = await db.select().from(conversations).where(eq(conversations.id, conversationId));
    expect(row!.status).toBe("in_progress");
    const winnerName = row!.assigneeId === co.operators[0]!.id ? "Olena Operator" : "Oleg Operator";
    expect(losers[0]).toEqual({ ok: false, reason: "taken_by", by: winnerName });
    const thread = await operatorA(co).inbox.thread({ conversationId });
    expect(thread.messages.filter((m) => m.authorKind === "system").map((m) => m.note)).toEqual([{ code: "taken", params: { name: winnerName } }]);
    expect((await operatorA(co).inbox.list({ tab: "new" })).map((c) => c.id)).not.toContain(conversationId);
  });

  it("assign to a person or a team (least busy member, then round robin), conditional on what the caller saw", async () => {
    const co = await seedTestCompany();
    const a = operatorA(co);
    const { teams } = await a.inbox.options();
    const team = teams[0]!;
    // Olena already has Olga's conversation open: Oleg is less busy and gets the first one.
    const first = await customerWrites(co, "route me 1", { id: 730000001, first_name: "R1" });
    expect(await a.inbox.assign({ conversationId: first.conversationId, to: { kind: "team", id: team.id } })).toEqual({ ok: true, changed: true });
    const assigneeOf = async (id: string) => (await db.select().from(conversations).where(eq(conversations.id, id)))[0]!;
    expect((await assigneeOf(first.conversationId)).assigneeId).toBe(co.operators[1]!.id);
    // Now both have one: the one assigned longest ago (Olena) gets the next.
    await db.update(conversations).set({ assignedAt: new Date(Date.now() - 3600_000) }).where(eq(conversations.assigneeId, co.operators[0]!.id));
    const second = await customerWrites(co, "route me 2", { id: 730000002, first_name: "R2" });
    await a.inbox.assign({ conversationId: second.conversationId, to: { kind: "team", id: team.id } });
    expect((await assigneeOf(second.conversationId)).assigneeId).toBe(co.operators[0]!.id);

    // Two people reassign at once from the same view: one wins, the other sees who has it.
    const both = await Promise.all([
      a.inbox.assign({ conversationId: first.conversationId, to: { kind: "user", id: co.admin.id }, expectedAssigneeId: co.operators[1]!.id }),
      operatorB(co).inbox.assign({ conversationId: first.conversationId, to: { kind: "user", id: co.operators[0]!.id }, expectedAssigneeId: co.operators[1]!.id }),
    ]);
    expect(both.filter((r) => r.ok)).toHaveLength(1);
    expect(both.find((r) => !r.ok)).toMatchObject({ ok: false, reason: "assigned_to" });
    const notes = (await a.inbox.thread({ conversationId: first.conversationId })).messages.filter((m) => m.note).map((m) => m.note!.code);
    expect(notes).toEqual(["assigned_team", "assigned"]);
  });

  it("routes a new conversation automatically when its line says so", async () => {
    const co = await seedTestCompany();
    const [sales] = co.lineIds;
    await admin(co).inbox.setLineAutoRoute({ lineId: sales!, autoRoute: true });
    await expect(operatorA(co).inbox.setLineAutoRoute({ lineId: sales!, autoRoute: false })).rejects.toMatchObject({ code: "FORBIDDEN" });
    const routed = await customerWrites(co, "route me automatically", { id: 740000001, first_name: "Auto" });
    const [row] = await db.select().from(conversations).where(eq(conversations.id, routed.conversationId));
    expect(row).toMatchObject({ status: "in_progress", assigneeId: co.operators[1]!.id });
    const notes = (await operatorA(co).inbox.thread({ conversationId: row!.id })).messages.filter((m) => m.note).map((m) => m.note);
    expect(notes).toEqual([{ code: "routed", params: { name: "Oleg Operator", team: "Support" } }]);
    await db.update(lines).set({ autoRoute: false }).where(eq(lines.id, sales!));
    const waiting = await customerWrites(co, "wait in new", { id: 740000002, first_name: "Manual" });
    expect(waiting.status).toBe("new");
  });

  it("close and reopen race safely; a closed conversation's next customer message lands in New as a new session", async () => {
    const co = await seedTestCompany();
    const a = operatorA(co);
    const b = operatorB(co);
    const { conversationId } = await customerWrites(co, "close me", { id: 750000001, first_name: "Closer" });
    await a.inbox.take({ conversationId });
    const closes = await Promise.all([a.inbox.close({ conversationId }), b.inbox.close({ conversationId })]);
    expect(closes.filter((r) => r.ok)).toHaveLength(1);
    expect(closes.find((r) => !r.ok)).toMatchObject({ ok: false, reason: "already_closed", by: expect.stringMatching(/Operator/), at: expect.any(Date) });
    expect((await a.inbox.list({ tab: "closed" })).map((c) => c.id)).toContain(conversationId);

    const reopens = await Promise.all([a.inbox.reopen({ conversationId }), b.inbox.reopen({ conversationId })]);
    expect(reopens.filter((r) => r.ok)).toHaveLength(1);
    // The one who came second is told who reopened it, and when.
    expect(reopens.find((r) => !r.ok)).toMatchObject({ ok: false, reason: "already_open", by: expect.stringMatching(/Operator/), at: expect.any(Date) });
    expect((await db.select().from(conversations).where(eq(conversations.id, conversationId)))[0]!.status).toBe("in_progress");
    await a.inbox.close({ conversationId });

    const next = await customerWrites(co, "I am back", { id: 750000001, first_name: "Closer" });
    expect(next.conversationId).not.toBe(conversationId);
    expect(next.status).toBe("new");
    expect((await a.inbox.list({ tab: "new" })).map((c) => c.id)).toContain(next.conversationId);
    // The thread shows both sessions; the old one cannot be reopened beside the new one.
    const thread = await a.inbox.thread({ conversationId: next.conversationId });
    expect(thread.sessions.map((s) => s.id)).toEqual([conversationId, next.conversationId]);
    expect(thread.messages.map((m) => m.text)).toContain("close me");
    // The old session's thread points at the new one; reopening it is refused with the way there.
    expect((await a.inbox.thread({ conversationId })).openConversationId).toBe(next.conversationId);
    expect(await a.inbox.reopen({ conversationId })).toMatchObject({ ok: false, reason: "newer_open", conversationId: next.conversationId });
  });

  it("a reply that takes a New conversation or reopens a closed one says so in the thread, just before the reply", async () => {
    const co = await seedTestCompany();
    const a = operatorA(co);
    const { conversationId } = await customerWrites(co, "anyone?", { id: 750000002, first_name: "Replied" });
    await a.inbox.reply({ conversationId, text: "Here!" });
    let thread = await a.inbox.thread({ conversationId });
    expect(thread.conversation).toMatchObject({ status: "in_progress", assigneeId: co.operators[0]!.id });
    expect(thread.messages.slice(-2).map((m) => m.note?.code ?? m.text)).toEqual(["taken_by_reply", "Here!"]);
    expect(thread.messages.at(-2)!.note!.params.name).toBe("Olena Operator");
    await a.inbox.close({ conversationId });
    await a.inbox.reply({ conversationId, text: "One more thing" });
    thread = await a.inbox.thread({ conversationId });
    expect(thread.conversation.status).toBe("in_progress");
    expect(thread.messages.slice(-2).map((m) => m.note?.code ?? m.text)).toEqual(["reopened_by_reply", "One more thing"]);
    // Already in progress and hers: no note.
    await a.inbox.reply({ conversationId, text: "And another" });
    thread = await a.inbox.thread({ conversationId });
    expect(thread.messages.slice(-2).map((m) => m.note?.code ?? m.text)).toEqual(["One more thing", "And another"]);
  });
});

describe("inbox: ban, composer, other companies", () => {
  it("admins ban and unban from the thread; the banned contact's replies are refused and later messages kept out of the line", async () => {
    const co = await seedTestCompany();
    const { conversationId } = await customerWrites(co, "ban me", { id: 760000001, first_name: "Spammer" });
    await expect(operatorA(co).inbox.setBanned({ conversationId, banned: true })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await operatorA(co).inbox.markRead({ conversationId });
    await admin(co).inbox.setBanned({ conversationId, banned: true });
    // The ban closes the open conversation (its waiting stops) and says so.
    expect((await operatorA(co).inbox.list()).map((c) => c.id)).not.toContain(conversationId);
    const thread = await operatorA(co).inbox.thread({ conversationId });
    expect(thread.conversation.status).toBe("closed");
    expect(thread.composer).toEqual({ state: "banned" });
    expect(thread.messages.at(-1)!.note).toEqual({ code: "banned_closed", params: { name: "Alex Admin" } });
    await expect(operatorA(co).inbox.reply({ conversationId, text: "hi" })).rejects.toMatchObject({ code: "PRECONDITION_FAILED", message: "inbox.composer.banned" });
    // Written while banned: kept in the contact's last conversation, on its line, out of every tab, not unread.
    const later = await customerWrites(co, "still spamming", { id: 760000001, first_name: "Spammer" });
    expect(later.conversationId).toBe(conversationId);
    expect((await operatorA(co).inbox.list({ tab: "closed", q: "spamming" })).length).toBe(0);
    await admin(co).inbox.setBanned({ conversationId, banned: false });
    const [contact] = await db.select().from(contacts).where(and(eq(contacts.companyId, co.companyId), eq(contacts.externalId, "760000001")));
    expect(contact!.bannedAt).toBeNull();
    const row = (await operatorA(co).inbox.list({ tab: "closed", q: "spamming" }))[0]!;
    expect(row).toMatchObject({ id: conversationId, lineName: "Sales", unread: 0 });
    const after = await operatorA(co).inbox.thread({ conversationId });
    // (Telegram's times are whole seconds: the ban-time message and the ban note may share one.)
    expect(after.messages.map((m) => m.note?.code ?? m.text).sort()).toEqual(["ban me", "banned_closed", "still spamming", "unbanned"]);
  });

  it("says why the composer cannot send: Meta's window, the bot's thread, a lost channel", async () => {
    const co = await seedTestCompany();
    const a = operatorA(co);
    const open = await a.inbox.list();
    const maria = open.find((c) => c.contactName === "Maria Lopez")!;
    const olga = open.find((c) => c.contactName === "Olga Sidorova")!;
    // The seeded Messenger bot owns Maria's thread: a warning, and the operator may reply anyway.
    expect((await a.inbox.thread({ conversationId: maria.id })).composer).toEqual({ state: "bot_handling" });
    await db.update(conversations).set({ lastInboundAt: new Date(Date.now() - 2 * 24 * 3600_000) }).where(eq(conversations.id, maria.id));
    expect((await a.inbox.thread({ conversationId: maria.id })).composer).toEqual({ state: "window_closed" });
    await expect(a.inbox.reply({ conversationId: maria.id, text: "late" })).rejects.toMatchObject({ message: "inbox.composer.windowClosed" });
    expect((await a.inbox.thread({ conversationId: olga.id })).composer).toEqual({ state: "channel_down", channelStatus: "disconnected" });
    const ivan = open.find((c) => c.contactName === "Ivan Petrov")!;
    expect((await a.inbox.thread({ conversationId: ivan.id })).composer).toEqual({ state: "ready", humanAgent: false, vkAnswerOnly: false });
  });

  it("refuses another company's ids in every inbox procedure", async () => {
    const co = await seedTestCompany();
    const other = await seedTestCompany("Other Co");
    const conversationId = (await operatorA(co).inbox.list())[0]!.id;
    const stranger = operatorA(other);
    const strangerAdmin = admin(other);
    const notFound = { code: "NOT_FOUND" };
    await expect(stranger.inbox.thread({ conversationId })).rejects.toMatchObject(notFound);
    await expect(stranger.inbox.take({ conversationId })).rejects.toMatchObject(notFound);
    await expect(stranger.inbox.close({ conversationId })).rejects.toMatchObject(notFound);
    await expect(stranger.inbox.reopen({ conversationId })).rejects.toMatchObject(notFound);
    await expect(stranger.inbox.markRead({ conversationId })).rejects.toMatchObject(notFound);
    await expect(stranger.inbox.assign({ conversationId, to: { kind: "user", id: other.operators[0]!.id } })).rejects.toMatchObject(notFound);
    await expect(strangerAdmin.inbox.setBanned({ conversationId, banned: true })).rejects.toMatchObject(notFound);
    await expect(strangerAdmin.inbox.setLineAutoRoute({ lineId: co.lineIds[0]!, autoRoute: true })).rejects.toMatchObject(notFound);
    // Their own conversation cannot go to our people or teams either.
    const theirs = (await stranger.inbox.list())[0]!.id;
    await expect(stranger.inbox.assign({ conversationId: theirs, to: { kind: "user", id: co.operators[0]!.id } })).rejects.toMatchObject(notFound);
    const { teams } = await operatorA(co).inbox.options();
    await expect(stranger.inbox.assign({ conversationId: theirs, to: { kind: "team", id: teams[0]!.id } })).rejects.toMatchObject(notFound);
    await expect(stranger.inbox.assign({ conversationId: theirs, to: { kind: "team", id: randomUUID() } })).rejects.toMatchObject(notFound);
    expect((await stranger.inbox.list({ lineId: co.lineIds[0] })).length).toBe(0);
    expect((await stranger.inbox.options()).teams.map((t) => t.id)).not.toContain(teams[0]!.id);
  });
});
