import { randomInt } from "node:crypto";
import { and, asc, eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "../../../db";
import { contacts, conversations, inboundEvents, messages } from "../../../db/schema";
import { PAGE_INBOX_APP_ID } from "../../channels/meta/parse";
import { postMeta, postTelegram, postVk, webhookCompany } from "../../testing/webhooks";
import type { WebhookOutcome } from "../../webhooks/read-body";

/**
 * Multi-event scenarios posted in provider order, in reverse (each processed before the next arrives, the
 * hardest case) and all at once: the thread ends the same, in provider order, with nothing left waiting.
 */
type Post = () => Promise<WebhookOutcome>;
const MODES = ["sequential", "reverse", "concurrent"] as const;
type Mode = (typeof MODES)[number];

async function deliver(posts: Post[], mode: Mode) {
  if (mode === "sequential") for (const p of posts) await (await p()).after?.();
  if (mode === "reverse") for (const p of [...posts].reverse()) await (await p()).after?.();
  if (mode === "concurrent") {
    const outcomes = await Promise.all(posts.map((p) => p()));
    await Promise.all(outcomes.map((o) => o.after?.()));
  }
}

/** The thread of some chats of a channel, with the chat ids replaced by names, in thread order. */
async function snapshot(channelId: string, chats: Record<string, string>) {
  const name = (id: string) => Object.entries(chats).find(([, v]) => v === id)?.[0] ?? id;
  const cs = await db.select().from(contacts).where(and(eq(contacts.channelId, channelId), inArray(contacts.externalId, Object.values(chats))));
  const convs = cs.length ? await db.select().from(conversations).where(inArray(conversations.contactId, cs.map((c) => c.id))) : [];
  const msgs = convs.length
    ? await db.select().from(messages).where(inArray(messages.conversationId, convs.map((c) => c.id))).orderBy(asc(messages.sortKey), asc(messages.createdAt), asc(messages.id))
    : [];
  const waiting = await db.select({ id: inboundEvents.id }).from(inboundEvents).where(and(eq(inboundEvents.channelId, channelId), eq(inboundEvents.status, "received")));
  return {
    contacts: cs.map((c) => `${name(c.externalId)}${c.endedAt ? " (ended)" : ""}`).sort(),
    conversations: convs.length,
    thread: msgs.map((m) => `${m.direction} ${m.deliveryStatus}${m.editedAt ? " edited" : ""}: ${m.text}`),
    waiting: waiting.length,
  };
}

const uniqueId = () => randomInt(1, 2 ** 40);

async function sameInEveryMode(build: (mode: Mode) => Promise<{ channelId: string; chats: Record<string, string>; setup?: Post[]; posts: Post[] }>) {
  const results: Record<string, unknown> = {};
  for (const mode of MODES) {
    const s = await build(mode);
    for (const p of s.setup ?? []) await (await p()).after?.();
    await deliver(s.posts, mode);
    results[mode] = await snapshot(s.channelId, s.chats);
  }
  expect(results.reverse).toEqual(results.sequential);
  expect(results.concurrent).toEqual(results.sequential);
  return results.sequential as Awaited<ReturnType<typeof snapshot>>;
}

const hc = await webhookCompany();
const tgMessage = (updateId: number, chat: object, fields: object) => ({ update_id: updateId, message: { message_id: updateId, date: 1_767_225_600, from: { id: 7, is_bot: false, first_name: "Ann" }, chat, ...fields } });
const tg = (body: object): Post => () => postTelegram(hc.telegram.channelId, hc.telegram.secret, JSON.stringify(body));

describe("provider order, whatever order events are processed in", () => {
  it("Telegram: an edited_message before its message still edits it", async () => {
    const out = await sameInEveryMode(async () => {
      const chat = uniqueId();
      const u = uniqueId();
      const private_ = { id: chat, type: "private", first_name: "Ann" };
      return {
        channelId: hc.telegram.channelId,
        chats: { ann: String(chat) },
        posts: [
          tg(tgMessage(u, private_, { text: "original" })),
          tg({ update_id: u + 1, edited_message: { message_id: u, date: 1_767_225_600, edit_date: 1_767_225_660, from: { id: 7, is_bot: false, first_name: "Ann" }, chat: private_, text: "edited" } }),
        ],
      };
    });
    expect(out).toEqual({ contacts: ["ann"], conversations: 1, thread: ["inbound delivered edited: edited"], waiting: 0 });
  });

  it("Telegram: two first messages of a new chat make one contact and one conversation, in update_id order (a burst within one second)", async () => {
    const out = await sameInEveryMode(async () => {
      const chat = uniqueId();
      const u = uniqueId();
      const private_ = { id: chat, type: "private", first_name: "Ann" };
      return {
        channelId: hc.telegram.channelId,
        chats: { ann: String(chat) },
        posts: [tg(tgMessage(u, private_, { text: "first" })), tg(tgMessage(u + 1, private_, { text: "second" })), tg(tgMessage(u + 2, private_, { text: "third" }))],
      };
    });
    expect(out).toEqual({ contacts: ["ann"], conversations: 1, thread: ["inbound delivered: first", "inbound delivered: second", "inbound delivered: third"], waiting: 0 });
  });

  it("Telegram: a supergroup's first message before the migration joins the group's conversation", async () => {
    const out = await sameInEveryMode(async () => {
      const group = -uniqueId();
      const supergroup = -(1_000_000_000_000 + uniqueId());
      const u = uniqueId();
      const groupChat = { id: group, type: "group", title: "Team" };
      const superChat = { id: supergroup, type: "supergroup", title: "Team" };
      return {
        channelId: hc.telegram.channelId,
        chats: { group: String(group), supergroup: String(supergroup) },
        setup: [tg(tgMessage(u, groupChat, { text: "in the group" }))],
        posts: [
          tg(tgMessage(u + 1, groupChat, { migrate_to_chat_id: supergroup })),
          tg(tgMessage(u + 2, superChat, { migrate_from_chat_id: group })),
          tg(tgMessage(u + 3, superChat, { text: "in the supergroup" })),
        ],
      };
    });
    expect(out).toEqual({ contacts: ["supergroup"], conversations: 1, thread: ["inbound delivered: Ann: in the group", "inbound delivered: Ann: in the supergroup"], waiting: 0 });
  });

  it("VK: a message_edit before its message_new still edits it", async () => {
    const out = await sameInEveryMode(async () => {
      const peer = randomInt(1, 1_000_000_000);
      const cmid = randomInt(1, 1_000_000);
      const message = { id: 0, date: 1_767_225_600, peer_id: peer, from_id: peer, conversation_message_id: cmid };
      const vk = (eventId: string, type: string, object: object): Post => () =>
        postVk(hc.vk.channelId, JSON.stringify({ type, group_id: hc.vk.groupId, event_id: eventId, secret: hc.vk.secret, object }));
      return {
        channelId: hc.vk.channelId,
        chats: { peer: String(peer) },
        posts: [vk(`n${peer}`, "message_new", { message: { ...message, text: "original" } }), vk(`e${peer}`, "message_edit", { ...message, text: "edited", update_time: 1_767_225_700 })],
      };
    });
    expect(out).toMatchObject({ conversations: 1, thread: ["inbound delivered edited: edited"], waiting: 0 });
  });

  const metaBody = (...items: object[]) => JSON.stringify({ object: "page", entry: [{ id: hc.meta.pageId, time: 1_767_225_600_000, messaging: items }] });
  const meta = (...items: object[]): Post => () => postMeta(metaBody(...items), true);

  it("Messenger: a message_edit before its message still edits it", async () => {
    const out = await sameInEveryMode(async () => {
      const psid = String(uniqueId());
      const mid = `m_${psid}`;
      const from = { sender: { id: psid }, recipient: { id: hc.meta.pageId } };
      return {
        channelId: hc.meta.pageChannelId,
        chats: { customer: psid },
        posts: [meta({ ...from, timestamp: 1_767_225_600_000, message: { mid, text: "original" } }), meta({ ...from, timestamp: 1_767_225_660_000, message_edit: { mid, text: "edited", num_edit: 1 } })],
      };
    });
    expect(out).toMatchObject({ conversations: 1, thread: ["inbound delivered edited: edited"], waiting: 0 });
  });

  it("Messenger: a read watermark before the echo of a reply from the Page inbox marks it read", async () => {
    const out = await sameInEveryMode(async () => {
      const psid = String(uniqueId());
      const toPage = { sender: { id: psid }, recipient: { id: hc.meta.pageId } };
      const fromPage = { sender: { id: hc.meta.pageId }, recipient: { id: psid } };
      return {
        channelId: hc.meta.pageChannelId,
        chats: { customer: psid },
        setup: [meta({ ...toPage, timestamp: 1_767_225_600_000, message: { mid: `m_in_${psid}`, text: "question" } })],
        posts: [
          meta({ ...fromPage, timestamp: 1_767_225_610_000, message: { mid: `m_echo_${psid}`, text: "answer", is_echo: true, app_id: Number(PAGE_INBOX_APP_ID) } }),
          meta({ ...toPage, timestamp: 1_767_225_620_000, read: { watermark: 1_767_225_615_000 } }),
        ],
      };
    });
    expect(out).toEqual({ contacts: ["customer"], conversations: 1, thread: ["inbound delivered: question", "outbound read: answer"], waiting: 0 });
  });

  it("Messenger: duplicated items (in one batch and redelivered) make one message", async () => {
    const out = await sameInEveryMode(async () => {
      const psid = String(uniqueId());
      const item = { sender: { id: psid }, recipient: { id: hc.meta.pageId }, timestamp: 1_767_225_600_000, message: { mid: `m_dup_${psid}`, text: "once" } };
      const later = { ...item, timestamp: 1_767_225_600_500, message: { mid: `m_dup2_${psid}`, text: "twice" } };
      return { channelId: hc.meta.pageChannelId, chats: { customer: psid }, posts: [meta(item, item), meta(item), meta(later, item), meta(later)] };
    });
    expect(out).toEqual({ contacts: ["customer"], conversations: 1, thread: ["inbound delivered: once", "inbound delivered: twice"], waiting: 0 });
  });
});
