import { TRPCError } from "@trpc/server";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "../../../db";
import { conversations, mentions, messages, outboundSends } from "../../../db/schema";
import { callerFor, seedTestCompany } from "../../testing/factories";
import { addNote } from "./add-note";

type Company = Awaited<ReturnType<typeof seedTestCompany>>;
const operatorA = (co: Company) => callerFor({ id: co.operators[0]!.id, companyId: co.companyId, role: "operator" });
const operatorB = (co: Company) => callerFor({ id: co.operators[1]!.id, companyId: co.companyId, role: "operator" });

async function ivan(co: Company) {
  const [row] = await db
    .select()
    .from(conversations)
    .where(and(eq(conversations.companyId, co.companyId), eq(conversations.channelId, co.telegram.channelId)));
  return row!;
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "allowed";
  } catch (error) {
    return error instanceof TRPCError ? error.code : `threw ${String(error)}`;
  }
}

describe("private notes", () => {
  it("a note is stored for the team and never becomes a send; the conversation stays as it was", async () => {
    const co = await seedTestCompany();
    const a = operatorA(co);
    const before = await ivan(co);
    const [listed] = (await a.inbox.list({ tab: "new" })).filter((c) => c.id === before.id);

    const { id } = await a.inbox.notes.add({ conversationId: before.id, text: "  Refund approved by finance, @Bohdan please confirm  " });

    const [note] = await db.select().from(messages).where(eq(messages.id, id));
    expect(note).toMatchObject({ authorKind: "note", authorUserId: co.operators[0]!.id, text: "Refund approved by finance, @Bohdan please confirm", sentAt: null, providerMessageId: null });
    expect(await db.select().from(outboundSends).where(eq(outboundSends.messageId, id))).toEqual([]);
    expect(await db.select().from(outboundSends).where(eq(outboundSends.companyId, co.companyId))).toEqual([]);
    // Nor can "Send again" queue it.
    expect(await refusal(a.inbox.sendAgain({ messageId: id }))).toBe("CONFLICT");
    // Status, assignee, inbox order: untouched. Preview, unread and the customer's waiting time too.
    const after = await ivan(co);
    expect(after).toEqual(before);
    const [row] = (await a.inbox.list({ tab: "new" })).filter((c) => c.id === before.id);
    expect({ preview: row!.preview, unread: row!.unread, waitingSince: row!.waitingSince }).toEqual({ preview: listed!.preview, unread: listed!.unread, waitingSince: listed!.waitingSince });
    // The thread shows it as a note, to everyone in the company.
    const thread = await operatorB(co).inbox.thread({ conversationId: before.id });
    expect(thread.messages.at(-1)).toMatchObject({ id, authorKind: "note", authorUserName: expect.any(String) });
  });

  it("publishes the note as message.created and, for the people mentioned, mention.created (never the author)", async () => {
    const co = await seedTestCompany();
    const conversation = await ivan(co);
    const me = co.operators[0]!.id;
    const b = co.operators[1]!.id;
    const { id, realtime } = await addNote({
      ctx: { db, companyId: co.companyId, actor: { kind: "user", userId: me, role: "operator" } },
      input: { conversationId: conversation.id, text: "@me and @B", mentionUserIds: [b, me, b] },
    });
    expect(realtime).toEqual([
      { name: "message.created", data: { conversationId: conversation.id, messageId: id } },
      { name: "mention.created", data: { conversationId: conversation.id, messageId: id, userIds: [b] } },
    ]);
    expect(await db.select({ userId: mentions.userId }).from(mentions).where(eq(mentions.messageId, id))).toEqual([{ userId: b }]);
  });

  it("refuses an empty note, a mention of another company's person, and another company's conversation", async () => {
    const co = await seedTestCompany();
    const other = await seedTestCompany("Other Co");
    const a = operatorA(co);
    const conversation = await ivan(co);
    expect(await refusal(a.inbox.notes.add({ conversationId: conversation.id, text: "   " }))).toBe("BAD_REQUEST");
    expect(await refusal(a.inbox.notes.add({ conversationId: conversation.id, text: "@Stranger", mentionUserIds: [other.operators[0]!.id] }))).toBe("BAD_REQUEST");
    expect(await refusal(a.inbox.notes.add({ conversationId: (await ivan(other)).id, text: "not ours" }))).toBe("NOT_FOUND");
    expect(await db.select().from(messages).where(and(eq(messages.authorKind, "note"), eq(messages.companyId, co.companyId)))).toEqual([]);
    expect(await db.select().from(messages).where(and(eq(messages.authorKind, "note"), eq(messages.companyId, other.companyId)))).toEqual([]);
  });
});

describe("mentions", () => {
  it("lists only the reader's own mentions, newest first, with an unread count that opening the conversation clears", async () => {
    const co = await seedTestCompany();
    const other = await seedTestCompany("Other Co");
    const a = operatorA(co);
    const b = operatorB(co);
    const conversation = await ivan(co);
    const bId = co.operators[1]!.id;
    const first = await a.inbox.notes.add({ conversationId: conversation.id, text: "@Bohdan first", mentionUserIds: [bId] });
    const second = await a.inbox.notes.add({ conversationId: conversation.id, text: "@Bohdan second", mentionUserIds: [bId] });
    await a.inbox.notes.add({ conversationId: conversation.id, text: "nobody mentioned" });
    // Another company's note mentioning its own operator never shows here.
    await operatorA(other).inbox.notes.add({ conversationId: (await ivan(other)).id, text: "theirs", mentionUserIds: [other.operators[1]!.id] });

    const list = await b.inbox.notes.mentions();
    expect(list.map((m) => [m.messageId, m.text, m.unread])).toEqual([
      [second.id, "@Bohdan second", true],
      [first.id, "@Bohdan first", true],
    ]);
    expect(list[0]).toMatchObject({ conversationId: conversation.id, contactName: expect.any(String), authorName: expect.any(String), provider: "telegram" });
    expect(await b.inbox.notes.unreadMentions()).toEqual({ unread: 2 });
    expect(await a.inbox.notes.mentions()).toEqual([]);
    expect(await a.inbox.notes.unreadMentions()).toEqual({ unread: 0 });
    // Keyset pages.
    const page = await b.inbox.notes.mentions({ limit: 1 });
    expect((await b.inbox.notes.mentions({ limit: 1, cursor: page[0]!.cursor })).map((m) => m.messageId)).toEqual([first.id]);

    // Someone else opening the conversation reads nothing of B's.
    await a.inbox.markRead({ conversationId: conversation.id });
    expect(await b.inbox.notes.unreadMentions()).toEqual({ unread: 2 });
    // B opens it: both read, still listed.
    expect(await b.inbox.markRead({ conversationId: conversation.id })).toMatchObject({ mentionsRead: 2 });
    expect(await b.inbox.notes.unreadMentions()).toEqual({ unread: 0 });
    expect((await b.inbox.notes.mentions()).map((m) => m.unread)).toEqual([false, false]);
    // The other company's reader still has theirs unread.
    expect(await operatorB(other).inbox.notes.unreadMentions()).toEqual({ unread: 1 });
  });
});
