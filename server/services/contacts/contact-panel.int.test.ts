import { TRPCError } from "@trpc/server";
import { and, eq, inArray } from "drizzle-orm";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createDatabase, db } from "../../../db";
import { auditEvents, channels, contacts, conversations, messages } from "../../../db/schema";
import { callerFor, seedTestCompany } from "../../testing/factories";
import { addContactNote } from "./add-contact-note";
import { mergeContacts } from "./merge-contacts";

const onPostgres = inject("databaseKind") === "postgres";
const second = onPostgres ? createDatabase(inject("databaseUrl"), 2) : undefined;
afterAll(async () => {
  await second?.client.end({ timeout: 5 });
});

type Company = Awaited<ReturnType<typeof seedTestCompany>>;
const admin = (co: Company) => callerFor({ id: co.admin.id, companyId: co.companyId, role: "admin" });
const operator = (co: Company) => callerFor({ id: co.operators[0]!.id, companyId: co.companyId, role: "operator" });

async function code(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "allowed";
  } catch (error) {
    return error instanceof TRPCError ? error.code : `threw ${String(error)}`;
  }
}

/** The seeded conversation of a contact, by the contact's name (each seeded contact has one). */
async function conversationOf(co: Company, name: string) {
  const [row] = await db
    .select({ conversationId: conversations.id, contactId: contacts.id, channelId: conversations.channelId })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(and(eq(conversations.companyId, co.companyId), eq(contacts.displayName, name)));
  return row!;
}

/** The same customer writing on the company's VK community: a contact of its own there, with one conversation. */
async function vkContact(co: Company, name: string, minutesAgo: number) {
  const [vk] = await db.select().from(channels).where(and(eq(channels.companyId, co.companyId), eq(channels.provider, "vk")));
  const at = new Date(Date.now() - minutesAgo * 60_000);
  const [contact] = await db
    .insert(contacts)
    .values({ companyId: co.companyId, channelId: vk!.id, externalId: String(60_000_000 + Math.floor(Math.random() * 1e6)), displayName: name, username: "ivan_vk", createdAt: at })
    .returning();
  const [conversation] = await db
    .insert(conversations)
    .values({ companyId: co.companyId, channelId: vk!.id, lineId: vk!.lineId, contactId: contact!.id, status: "closed", createdAt: at, lastMessageAt: at, closedAt: at })
    .returning();
  await db.insert(messages).values({ companyId: co.companyId, conversationId: conversation!.id, channelId: vk!.id, direction: "inbound", authorKind: "customer", text: "Привет, это Иван", createdAt: at });
  return { contactId: contact!.id, conversationId: conversation!.id, channelId: vk!.id };
}

describe("contact panel", () => {
  it("shows who the customer is, where they wrote, and nothing else yet", async () => {
    const co = await seedTestCompany();
    const ivan = await conversationOf(co, "Ivan Petrov");
    const panel = await operator(co).contacts.panel({ conversationId: ivan.conversationId });
    expect(panel.contact).toMatchObject({ id: ivan.contactId, displayName: "Ivan Petrov", bannedAt: null });
    expect(panel.contact.firstSeenAt).toBeInstanceOf(Date);
    expect(panel.channel).toMatchObject({ provider: "telegram", name: "AcmeSupportBot" });
    expect(panel.line?.name).toBe("Sales");
    expect(panel.personContacts.map((c) => c.id)).toEqual([ivan.contactId]);
    expect(panel).toMatchObject({ conversations: [], conversationsTotal: 0, notes: [] });
  });

  it("refuses another company's conversation, contact and merge, and never offers its contacts", async () => {
    const co = await seedTestCompany();
    const other = await seedTestCompany("Other Co");
    const mine = await conversationOf(co, "Ivan Petrov");
    const theirs = await conversationOf(other, "Ivan Petrov");
    expect(await code(admin(co).contacts.panel({ conversationId: theirs.conversationId }))).toBe("NOT_FOUND");
    expect(await code(operator(co).contacts.addNote({ contactId: theirs.contactId, text: "hello" }))).toBe("NOT_FOUND");
    expect(await code(admin(co).contacts.merge({ contactId: mine.contactId, otherContactId: theirs.contactId }))).toBe("NOT_FOUND");
    expect(await code(admin(co).contacts.merge({ contactId: theirs.contactId, otherContactId: mine.contactId }))).toBe("NOT_FOUND");
    expect(await code(admin(co).contacts.split({ contactId: theirs.contactId }))).toBe("NOT_FOUND");
    expect(await code(admin(co).contacts.mergeCandidates({ contactId: theirs.contactId, q: "Ivan" }))).toBe("NOT_FOUND");
    // Their Ivan is never offered; ours on VK is.
    const vk = await vkContact(co, "Ivan Petrov", 60);
    const candidates = await admin(co).contacts.mergeCandidates({ contactId: mine.contactId, q: "ivan" });
    expect(candidates.map((c) => c.id)).toEqual([vk.contactId]);
    expect(candidates[0]!.channel.provider).toBe("vk");
    // Their contact did not move.
    const [row] = await db.select({ personId: contacts.personId }).from(contacts).where(eq(contacts.id, theirs.contactId));
    const [ours] = await db.select({ personId: contacts.personId }).from(contacts).where(eq(contacts.id, mine.contactId));
    expect(row!.personId).not.toBe(ours!.personId);
  });

  it("merges are for admins: an operator is refused and nothing moves", async () => {
    const co = await seedTestCompany();
    const ivan = await conversationOf(co, "Ivan Petrov");
    const vk = await vkContact(co, "Ivan Petrov", 60);
    expect(await code(operator(co).contacts.merge({ contactId: ivan.contactId, otherContactId: vk.contactId }))).toBe("FORBIDDEN");
    expect(await code(operator(co).contacts.mergeCandidates({ contactId: ivan.contactId, q: "Ivan" }))).toBe("FORBIDDEN");
    await expect(
      mergeContacts({ ctx: { db, companyId: co.companyId, actor: { kind: "user", userId: co.operators[0]!.id, role: "operator" } }, input: { contactId: ivan.contactId, otherContactId: vk.contactId } }),
    ).rejects.toMatchObject({ code: "forbidden" });
    expect((await operator(co).contacts.panel({ conversationId: ivan.conversationId })).conversationsTotal).toBe(0);
  });

  it("after a merge lists the person's conversations on every channel, newest first, and replies still go out where the customer wrote", async () => {
    const co = await seedTestCompany();
    const ivan = await conversationOf(co, "Ivan Petrov");
    const older = await vkContact(co, "Ivan P.", 3 * 24 * 60);
    const newer = await vkContact(co, "Иван Петров", 30);
    const a = admin(co);
    expect(await a.contacts.merge({ contactId: ivan.contactId, otherContactId: older.contactId })).toMatchObject({ moved: 1 });
    // Merging a third contact joins the same person; one already merged is refused and never offered.
    await a.contacts.merge({ contactId: older.contactId, otherContactId: newer.contactId });
    expect(await code(a.contacts.merge({ contactId: newer.contactId, otherContactId: ivan.contactId }))).toBe("CONFLICT");
    expect(await a.contacts.mergeCandidates({ contactId: ivan.contactId, q: "Ivan" })).toEqual([]);

    const panel = await operator(co).contacts.panel({ conversationId: ivan.conversationId });
    expect(panel.conversations.map((c) => c.id)).toEqual([newer.conversationId, older.conversationId]);
    expect(panel.conversations[0]).toMatchObject({ contactName: "Иван Петров", status: "closed", channel: { provider: "vk", name: "Acme VK" } });
    expect(panel.conversationsTotal).toBe(2);
    expect(panel.personContacts.map((c) => c.id).sort()).toEqual([ivan.contactId, older.contactId, newer.contactId].sort());
    // From the VK side, the Telegram conversation is listed.
    const fromVk = await operator(co).contacts.panel({ conversationId: older.conversationId });
    expect(fromVk.conversations.map((c) => c.id)).toEqual([ivan.conversationId, newer.conversationId]); // Ivan wrote on Telegram 5 minutes ago
    // Each conversation keeps its own contact and channel: a reply goes out on the channel the customer wrote on.
    const [kept] = await db.select().from(conversations).where(eq(conversations.id, older.conversationId));
    expect(kept).toMatchObject({ contactId: older.contactId, channelId: older.channelId });
    const reply = await operator(co).inbox.reply({ conversationId: ivan.conversationId, text: "Hello Ivan" });
    const [sent] = await db.select({ channelId: messages.channelId }).from(messages).where(eq(messages.id, reply.id));
    expect(sent!.channelId).toBe(ivan.channelId);
  });

  it("notes are shared across the merged person, with their author, and a split takes its own notes with it", async () => {
    const co = await seedTestCompany();
    const ivan = await conversationOf(co, "Ivan Petrov");
    const vk = await vkContact(co, "Ivan Petrov", 60);
    expect(await code(operator(co).contacts.addNote({ contactId: ivan.contactId, text: "   " }))).toBe("BAD_REQUEST");
    await operator(co).contacts.addNote({ contactId: ivan.contactId, text: "  Prefers email for invoices  " });
    await admin(co).contacts.addNote({ contactId: vk.contactId, text: "VIP since 2024" });
    expect((await operator(co).contacts.panel({ conversationId: ivan.conversationId })).notes.map((n) => n.text)).toEqual(["Prefers email for invoices"]);

    const merged = await mergeContacts({ ctx: { db, companyId: co.companyId, actor: { kind: "user", userId: co.admin.id, role: "admin" } }, input: { contactId: ivan.contactId, otherContactId: vk.contactId } });
    const [before] = await db.select({ personId: contacts.personId }).from(contacts).where(eq(contacts.id, ivan.contactId));
    // Every member's panel of either person refreshes: the event names both persons.
    expect(merged.realtime).toEqual([{ name: "contact.updated", data: { contactId: ivan.contactId, conversationIds: [], personIds: [before!.personId, expect.any(String)] } }]);
    const notes = (await operator(co).contacts.panel({ conversationId: ivan.conversationId })).notes;
    expect(notes.map((n) => [n.text, n.authorName])).toEqual([
      ["VIP since 2024", "Alex Admin"],
      ["Prefers email for invoices", "Olena Operator"],
    ]);
    expect(notes[0]!.createdAt).toBeInstanceOf(Date);
    const noted = await addContactNote({ ctx: { db, companyId: co.companyId, actor: { kind: "user", userId: co.admin.id, role: "admin" } }, input: { contactId: vk.contactId, text: "Called back" } });
    expect(noted.realtime[0]!.data).toMatchObject({ personIds: [before!.personId] });

    const split = await admin(co).contacts.split({ contactId: vk.contactId });
    expect(split.personId).not.toBe(before!.personId);
    const afterTg = await operator(co).contacts.panel({ conversationId: ivan.conversationId });
    expect(afterTg.notes.map((n) => n.text)).toEqual(["Prefers email for invoices"]);
    expect(afterTg.conversations).toEqual([]);
    expect((await operator(co).contacts.panel({ conversationId: vk.conversationId })).notes.map((n) => n.text)).toEqual(["Called back", "VIP since 2024"]);
    expect(await code(admin(co).contacts.split({ contactId: vk.contactId }))).toBe("CONFLICT");

    // Who merged and split which contact, and when — nothing of the content; the refused split left no entry.
    const audit = await db
      .select({ actor: auditEvents.actorUserId, action: auditEvents.action, subject: auditEvents.subjectId, at: auditEvents.createdAt })
      .from(auditEvents)
      .where(eq(auditEvents.companyId, co.companyId))
      .orderBy(auditEvents.createdAt);
    expect(audit.map(({ actor, action, subject }) => [actor, action, subject])).toEqual([
      [co.admin.id, "contact.merged", vk.contactId],
      [co.admin.id, "contact.split", vk.contactId],
    ]);
  });

  // PostgreSQL only: a second session (PGlite serves one) holds a row so the two merges truly overlap.
  it.runIf(onPostgres)("two admins merging the same people at once end with one person", { timeout: 20_000 }, async () => {
    const co = await seedTestCompany();
    const ivan = await conversationOf(co, "Ivan Petrov");
    const vk = await vkContact(co, "Ivan Petrov", 60);
    const other = await vkContact(co, "Ivan (2)", 90);
    await admin(co).contacts.merge({ contactId: vk.contactId, otherContactId: other.contactId });
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let holding!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    // Holding one of the VK person's rows stops the first merge half-way through moving that person.
    const blocker = second!.client.begin(async (tx) => {
      await tx`select 1 from contacts where id = ${other.contactId} for update`;
      holding();
      await released;
    });
    await held;
    const ctx = { db, companyId: co.companyId, actor: { kind: "user" as const, userId: co.admin.id, role: "admin" as const } };
    const first = mergeContacts({ ctx, input: { contactId: ivan.contactId, otherContactId: vk.contactId } });
    const firstSettled = first.then(
      () => "done",
      () => "failed",
    );
    await waitFor(async () => (await waiting()) >= 1);
    // Meanwhile a second admin merges the same people the other way round.
    const secondMerge = mergeContacts({ ctx, input: { contactId: other.contactId, otherContactId: ivan.contactId } });
    const secondSettled = secondMerge.then(
      () => "done",
      () => "failed",
    );
    // It either waits its turn or (without the turn-taking) finishes at once, moving Ivan while the first is half done.
    await waitFor(async () => (await waiting()) >= 2 || (await Promise.race([secondSettled, Promise.resolve("pending")])) !== "pending");
    release();
    await blocker;
    expect([await firstSettled, await secondSettled]).toEqual(["done", "failed"]);
    await expect(secondMerge).rejects.toMatchObject({ code: "conflict" });
    const rows = await db.select({ id: contacts.id, personId: contacts.personId }).from(contacts).where(inArray(contacts.id, [ivan.contactId, vk.contactId, other.contactId]));
    expect(new Set(rows.map((c) => c.personId)).size).toBe(1);
  });
});

/** Backends of this database waiting on a lock (row or advisory). */
async function waiting(): Promise<number> {
  const [row] = await second!.client<{ n: number }[]>`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`;
  return row!.n;
}

async function waitFor(condition: () => Promise<boolean>) {
  while (!(await condition())) await new Promise((r) => setTimeout(r, 20));
}
