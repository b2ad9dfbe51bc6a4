import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { NormalizedEvent } from "../types";
import { metaDedupeKey, parseMetaItem, splitMetaEnvelope, type MetaSplitItem } from "./parse";

const dir = new URL("../../../e2e/fixtures/meta/", import.meta.url);
const fixture = (name: string) => JSON.parse(readFileSync(new URL(name, dir), "utf8")) as unknown;
const OUR_APP = "900000000000001";
const PSID = "7000000000000001";

function items(name: string): MetaSplitItem[] {
  const split = splitMetaEnvelope(fixture(name));
  if (!split.ok) throw new Error(split.reason);
  return split.items;
}

/** Splits a fixture and parses its only item as the routed channel would. */
function eventsOf(name: string, ctx: { appId?: string } = { appId: OUR_APP }): NormalizedEvent[] {
  const [only, ...rest] = items(name);
  expect(rest).toHaveLength(0);
  const parsed = parseMetaItem(only!.stored, only!.provider, ctx);
  if (!parsed.ok) throw new Error(parsed.reason);
  expect(parsed.dedupeKey).toBe(only!.dedupeKey);
  return parsed.events;
}

describe("Meta envelope", () => {
  it("splits fb-batched-2-entries-x-2-messaging.json into 4 items in timestamp order, each routed by its entry id", () => {
    const all = items("fb-batched-2-entries-x-2-messaging.json");
    expect(all.map((i) => [i.stored.entryId, i.eventType])).toEqual([
      ["100000000000001", "message"],
      ["100000000000001", "message"],
      ["100000000000002", "message"],
      ["100000000000002", "read"],
    ]);
    expect(all.map((i) => i.timestamp)).toEqual([...all.map((i) => i.timestamp)].sort((a, b) => a - b));
    expect(new Set(all.map((i) => i.dedupeKey)).size).toBe(4);
  });

  it("sorts items of a batch by timestamp, not by position", () => {
    const body = fixture("fb-batched-2-entries-x-2-messaging.json") as { entry: unknown[] };
    const split = splitMetaEnvelope({ ...body, entry: [...body.entry].reverse() });
    expect(split.ok && split.items.map((i) => i.timestamp)).toEqual([1767225614000, 1767225614050, 1767225614100, 1767225614150]);
  });

  it("gives fb-message-text.json and its duplicate redelivery the same mid key", () => {
    const [a] = items("fb-message-text.json");
    const [b] = items("fb-message-text-duplicate-redelivery.json");
    expect(a!.dedupeKey).toBe("mid:m_FAKE-TEXT-0001");
    expect(b!.dedupeKey).toBe(a!.dedupeKey);
  });

  it("keys fb-reaction.json by a hash that includes the action, so react and unreact are two events", () => {
    const [react] = items("fb-reaction.json");
    expect(react!.dedupeKey).toMatch(/^h:[0-9a-f]{64}$/);
    const unreact = { ...react!.stored, item: { ...react!.stored.item, reaction: { ...(react!.stored.item.reaction as object), action: "unreact" } } };
    expect(metaDedupeKey(unreact)).not.toBe(react!.dedupeKey);
    // Key order in the JSON does not change the key.
    const reordered = { ...react!.stored, item: Object.fromEntries(Object.entries(react!.stored.item).reverse()) };
    expect(metaDedupeKey(reordered)).toBe(react!.dedupeKey);
  });

  it("routes permissions-webhook-revoked.json by its target ids", () => {
    const [change] = items("permissions-webhook-revoked.json");
    expect(change).toMatchObject({ routeIds: ["100000000000001"], eventType: "permissions.pages_messaging.revoked" });
    expect(change!.ignoredReason).toBeUndefined();
  });

  it("refuses a body that is not an envelope and marks unknown objects as not handled", () => {
    expect(splitMetaEnvelope([1, 2]).ok).toBe(false);
    expect(splitMetaEnvelope({ object: "page" }).ok).toBe(false);
    const other = splitMetaEnvelope({ object: "user", entry: [{ id: "1", time: 1, changes: [{ field: "name" }] }] });
    expect(other.ok && other.items[0]!.ignoredReason).toMatch(/not handled/);
  });
});

describe("Meta items → neutral events", () => {
  it("fb-message-text.json → a customer message with its mid and millisecond timestamp", () => {
    expect(eventsOf("fb-message-text.json")).toEqual([
      {
        kind: "message",
        chatId: "7000000000000001",
        chatKind: "private",
        contactName: "7000000000000001",
        text: "Hi, is my order #TEST-123 shipped yet?",
        attachments: [],
        providerMessageId: "m_FAKE-TEXT-0001",
        sentAt: new Date(1767225600100),
      },
    ]);
  });

  it("fb-message-image.json → an image attachment with the CDN URL", () => {
    const [ev] = eventsOf("fb-message-image.json");
    expect(ev).toMatchObject({ kind: "message", text: "", attachments: [{ kind: "image", providerRef: "https://example.invalid/fake-cdn/image-0002.jpg" }] });
  });

  it("fb-postback.json → a customer message with the button title", () => {
    expect(eventsOf("fb-postback.json")).toMatchObject([{ kind: "message", text: "Talk to a human", providerMessageId: "m_FAKE-POSTBACK-0004" }]);
  });

  it("tells echo sources apart: fb-message-echo-our-app.json, fb-message-echo-page-inbox.json, fb-standby-echo-other-app.json", () => {
    expect(eventsOf("fb-message-echo-our-app.json")).toEqual([expect.objectContaining({ kind: "echo", source: "us", chatId: "7000000000000001", providerMessageId: "m_FAKE-ECHO-0005" })]);
    expect(eventsOf("fb-message-echo-page-inbox.json")).toEqual([expect.objectContaining({ kind: "echo", source: "provider_inbox", appId: "263902037430900" })]);
    expect(eventsOf("fb-standby-echo-other-app.json")).toEqual([
      expect.objectContaining({ kind: "echo", source: "other_app", appId: "900000000000999" }),
      { kind: "thread_control", chatId: "7000000000000001", owner: "other_app", appId: "900000000000999" },
    ]);
    // Without META_APP_ID our own echo cannot be recognised and is not claimed as ours.
    expect(eventsOf("fb-message-echo-our-app.json", {})[0]).toMatchObject({ source: "other_app" });
  });

  it("fb-standby-message.json → the message, and the thread belongs to another app", () => {
    expect(eventsOf("fb-standby-message.json")).toMatchObject([
      { kind: "message", text: "Hello? Anyone there?" },
      { kind: "thread_control", chatId: "7000000000000001", owner: "other_app" },
    ]);
  });

  it("fb-delivery.json and fb-read.json → receipts by mids and by watermark", () => {
    expect(eventsOf("fb-delivery.json")).toEqual([
      { kind: "receipt", chatId: "7000000000000001", status: "delivered", providerMessageIds: ["m_FAKE-ECHO-0005"], watermark: new Date(1767225603150) },
    ]);
    expect(eventsOf("fb-read.json")).toEqual([{ kind: "receipt", chatId: "7000000000000001", status: "read", watermark: new Date(1767225603150) }]);
  });

  it("ig-messaging-seen.json → a read receipt for read.mid", () => {
    expect(eventsOf("ig-messaging-seen.json")).toEqual([{ kind: "receipt", chatId: "5000000000000001", status: "read", providerMessageIds: ["aWdfZAG1fFAKE-IG-ECHO-0012"] }]);
  });

  it("handovers: fb-handover-pass-thread-control-to-us.json, -from-idle.json, -take-thread-control.json, -request-thread-control.json", () => {
    expect(eventsOf("fb-handover-pass-thread-control-to-us.json")).toEqual([{ kind: "thread_control", chatId: "7000000000000001", owner: "us", appId: OUR_APP }]);
    expect(eventsOf("fb-handover-pass-thread-control-from-idle.json")).toEqual([{ kind: "thread_control", chatId: "7000000000000001", owner: "us", appId: OUR_APP }]);
    expect(eventsOf("fb-handover-take-thread-control.json")).toEqual([{ kind: "thread_control", chatId: "7000000000000001", owner: "other_app", appId: "263902037430900" }]);
    expect(eventsOf("fb-handover-request-thread-control.json")).toEqual([{ kind: "thread_control", chatId: "7000000000000001", owner: "us", requestedBy: "900000000000999" }]);
  });

  it("fb-handover-app-roles.json is informational", () => {
    const [only] = items("fb-handover-app-roles.json");
    const parsed = parseMetaItem(only!.stored, "messenger", { appId: OUR_APP });
    expect(parsed).toMatchObject({ ok: true, events: [], ignoredReason: expect.stringContaining("primary_receiver") });
  });

  it("fb-reaction.json → a reaction to our message", () => {
    expect(eventsOf("fb-reaction.json")).toEqual([{ kind: "reaction", chatId: "7000000000000001", providerMessageId: "m_FAKE-ECHO-0005", emoji: "\u2764\ufe0f", action: "react" }]);
  });

  it("Instagram: ig-story-reply.json and ig-story-mention.json keep the story as a reference", () => {
    expect(eventsOf("ig-story-reply.json")).toMatchObject([
      { kind: "message", chatId: "5000000000000001", text: "Love this colour!", attachments: [{ kind: "other", name: "story_reply", providerRef: "https://example.invalid/fake-ig-cdn/story-0010.jpg" }] },
    ]);
    expect(eventsOf("ig-story-mention.json")).toMatchObject([
      { kind: "message", text: "", attachments: [{ kind: "other", name: "story_mention", providerRef: "https://example.invalid/fake-ig-cdn/mention-0011.mp4" }] },
    ]);
    expect(eventsOf("ig-message-echo.json")).toMatchObject([{ kind: "echo", chatId: "5000000000000001", source: "provider_inbox" }]);
  });

  it("permissions-webhook-revoked.json → connection lost for a Page channel, not for an Instagram channel", () => {
    const [change] = items("permissions-webhook-revoked.json");
    expect(parseMetaItem(change!.stored, "messenger", {})).toMatchObject({ ok: true, events: [{ kind: "connection_lost", reason: "permission_revoked" }] });
    expect(parseMetaItem(change!.stored, "instagram", {})).toMatchObject({ ok: true, events: [] });
  });

  it("fails on a stored payload that is not an item", () => {
    expect(parseMetaItem({ update_id: 1 }, "messenger", {}).ok).toBe(false);
  });
});

describe("Meta items of a shape the product does not know", () => {
  const item = (patch: Record<string, unknown>, provider: "messenger" | "instagram" = "messenger") => {
    const stored = { object: provider === "instagram" ? "instagram" : "page", entryId: "100000000000001", entryTime: 1_700_000_000_000, field: "messaging" as const, item: { sender: { id: "7000000000000001" }, recipient: { id: "100000000000001" }, timestamp: 1_700_000_000_000, ...patch } };
    return parseMetaItem(stored, provider, { appId: OUR_APP });
  };

  for (const [label, patch] of [
    ["null where the message belongs", { message: null }],
    ["a non-array where attachments belong", { message: { mid: "m1", attachments: { type: "image" } } }],
    ["an object where the text belongs", { message: { mid: "m1", text: { value: "hi" } } }],
    ["a string where delivery mids belong", { delivery: { mids: "m1", watermark: 1 } }],
  ] as const) {
    it(`${label}: an unsupported shape with the path, never a crash`, () => {
      expect(item(patch)).toMatchObject({ ok: false, reason: expect.stringMatching(/^unsupported shape: item\./) });
    });
  }


  it("an Instagram item without a sender or recipient is kept and explained, not failed", () => {
    const parsed = item({ sender: undefined, recipient: undefined, message: { mid: "aWdfZAG1", text: "hello" } }, "instagram");
    expect(parsed).toMatchObject({ ok: true, events: [], ignoredReason: expect.stringContaining("without a sender or recipient") });
    const read = item({ sender: undefined, recipient: undefined, read: { mid: "aWdfZAG1" } }, "instagram");
    expect(read).toMatchObject({ ok: true, events: [], ignoredReason: expect.stringContaining("without a sender or recipient") });
  });
});

describe("hostile envelopes", () => {
  it("a deep item gets a dedupe key (no recursion limit) and unroutable parts are counted, not dropped silently", () => {
    let deep: unknown = "x";
    for (let i = 0; i < 20_000; i++) deep = [deep];
    const split = splitMetaEnvelope({ object: "page", entry: [{ id: "1", messaging: [{ sender: { id: "2" }, deep }, "not an item"] }, { time: 1 }, 5] });
    expect(split.ok && split.items).toHaveLength(1);
    expect(split.ok && split.items[0]!.dedupeKey).toMatch(/^h:[0-9a-f]{64}$/);
    expect(split.ok && split.skipped).toBe(3);
  });

  it("ids that are not Graph ids route nowhere", () => {
    const split = splitMetaEnvelope({ object: "page", entry: [{ id: "1\u0000", messaging: [{}] }, { id: "x".repeat(500), messaging: [{}] }] });
    expect(split.ok && split.items).toHaveLength(0);
    expect(split.ok && split.skipped).toBe(2);
  });
});

describe("fields the product does not need are read leniently (issue 22)", () => {
  const RECEIVED = new Date("2026-03-01T12:00:00Z");
  const AT = new Date("2021-09-08T06:34:04Z");
  /** Splits an envelope and parses each item for its channel, as the webhook and the worker do. */
  const run = (body: unknown, receivedAt = RECEIVED) => {
    const split = splitMetaEnvelope(body, receivedAt.getTime());
    if (!split.ok) throw new Error(split.reason);
    return split.items.map((i) => ({ item: i, parsed: parseMetaItem(i.stored, i.provider, { appId: OUR_APP, receivedAt }) }));
  };
  /** Chatwoot's Instagram test factories (spec/factories/instagram): times as ISO text, ids as words. */
  const instagram = (field: "messaging" | "standby", item: Record<string, unknown>, time: unknown = "2021-09-08T06:34:04+0000") => ({
    object: "instagram",
    entry: [{ id: "instagram-message-id-123", time, [field]: [{ sender: { id: "Sender-id-1" }, recipient: { id: "chatwoot-app-user-id-1" }, timestamp: "2021-09-08T06:34:04+0000", ...item }] }],
  });
  const only = (body: unknown) => {
    const all = run(body);
    expect(all).toHaveLength(1);
    return all[0]!;
  };

  it("Chatwoot's Instagram text, story reply, standby message, share and story mention: messages at their ISO time", () => {
    const cases: [unknown, Record<string, unknown>][] = [
      [instagram("messaging", { message: { mid: "message-id-1", text: "This is the first message from the customer" } }), { text: "This is the first message from the customer", attachments: [] }],
      [
        instagram("messaging", { message: { mid: "message-id-1", text: "This is the story reply", reply_to: { story: { id: "chatwoot-app-user-id-1", url: "https://chatwoot-assets.local/sample.png" } } } }),
        { text: "This is the story reply", attachments: [{ kind: "other", name: "story_reply", providerRef: "https://chatwoot-assets.local/sample.png" }] },
      ],
      [instagram("standby", { message: { mid: "message-id-1", text: "This is the first standby message from the customer, after 24 hours." } }), { text: "This is the first standby message from the customer, after 24 hours." }],
      [instagram("messaging", { message: { mid: "message-id-1", attachments: [{ type: "share", payload: { url: "https://www.example.com/test.jpeg" } }] } }), { text: "", attachments: [{ kind: "other", name: "share", providerRef: "https://www.example.com/test.jpeg" }] }],
      [instagram("messaging", { message: { mid: "message-id-1", attachments: [{ type: "story_mention", payload: { url: "https://www.example.com/test.jpeg" } }] } }), { attachments: [{ kind: "other", name: "story_mention", providerRef: "https://www.example.com/test.jpeg" }] }],
    ];
    for (const [body, expected] of cases) {
      const { item, parsed } = only(body);
      expect(item.timestamp).toBe(AT.getTime());
      // A standby message also says another app owns the thread: the message comes first.
      expect(parsed.ok && parsed.events[0]).toMatchObject({ kind: "message", chatId: "Sender-id-1", providerMessageId: "message-id-1", sentAt: AT, ...expected });
    }
  });

  it("Chatwoot's Instagram unsend and read: the deletion is kept and explained, the read is a receipt", () => {
    expect(only(instagram("messaging", { message: { mid: "message-id-to-delete", is_deleted: true } })).parsed).toMatchObject({ ok: true, events: [], ignoredReason: "the customer deleted a message" });
    expect(only(instagram("messaging", { read: { mid: "message-id-1" } })).parsed).toEqual(expect.objectContaining({ ok: true, events: [{ kind: "receipt", chatId: "Sender-id-1", status: "read", providerMessageIds: ["message-id-1"] }] }));
  });

  it("seconds as text (Chatwoot's instagram_test_text_event) and milliseconds as text", () => {
    const text = { object: "instagram", entry: [{ time: 1_661_141_837_537, id: "0", messaging: [{ sender: { id: "12334" }, recipient: { id: "23245" }, timestamp: "1527459824", message: { mid: "random_mid", text: "random_text" } }] }] };
    expect(only(text).parsed).toMatchObject({ ok: true, events: [{ kind: "message", text: "random_text", sentAt: new Date(1527459824 * 1000) }] });
    const ms = instagram("messaging", { timestamp: "1631082844000", message: { mid: "m", text: "x" } });
    expect(only(ms).parsed).toMatchObject({ ok: true, events: [{ sentAt: AT }] });
  });

  it("an entry time as ISO text stands in for an item without a timestamp", () => {
    const body = instagram("messaging", { timestamp: undefined, message: { mid: "m", text: "x" } }, "2021-09-08T06:34:04+0000");
    const { item, parsed } = only(body);
    expect(item.timestamp).toBe(AT.getTime());
    expect(parsed).toMatchObject({ ok: true, events: [{ sentAt: AT }] });
  });

  it("an impossible time (issue 15's entry.time, 1e20, negative, text) is the time the body was received, and orders by it", () => {
    for (const time of [123456789012345678901234567890123456789, 1e20, -1, "soon", null]) {
      const body = { object: "page", entry: [{ id: "100000000000001", time, messaging: [{ sender: { id: PSID }, recipient: { id: "100000000000001" }, timestamp: time, message: { mid: "m_1", text: "hi" } }] }] };
      const { item, parsed } = only(body);
      expect(item.timestamp).toBe(RECEIVED.getTime());
      expect(parsed).toMatchObject({ ok: true, events: [{ kind: "message", text: "hi", sentAt: RECEIVED }] });
    }
  });

  it("explicit nulls are absent: `message: null` beside a read is a read; null fields inside an item are ignored", () => {
    const read = { object: "page", entry: [{ id: "100000000000001", time: null, messaging: [{ sender: { id: PSID }, recipient: { id: "100000000000001" }, timestamp: 1767225603150, message: null, postback: null, read: { watermark: 1767225603150, mid: null } }], standby: null }] };
    const { item, parsed } = only(read);
    expect(item.eventType).toBe("read");
    expect(parsed).toMatchObject({ ok: true, events: [{ kind: "receipt", status: "read", watermark: new Date(1767225603150) }] });

    const message = { object: "page", entry: [{ id: "100000000000001", time: 1767225600100, messaging: [{ sender: { id: PSID, user_ref: null }, recipient: { id: "100000000000001" }, timestamp: 1767225600100, message: { mid: "m_2", text: "hello", attachments: null, is_echo: null, app_id: null, reply_to: null, quick_reply: null } }] }] };
    expect(only(message).parsed).toMatchObject({ ok: true, events: [{ kind: "message", text: "hello", attachments: [], sentAt: new Date(1767225600100) }] });
  });

  it("a needed field missing: refused, and the reason names the field", () => {
    const item = (patch: Record<string, unknown>) => ({ object: "page", entry: [{ id: "100000000000001", time: 1, messaging: [{ sender: { id: PSID }, recipient: { id: "100000000000001" }, timestamp: 1767225600100, ...patch }] }] });
    expect(only(item({ message: { text: "no id" } })).parsed).toEqual({ ok: false, reason: "unsupported shape: item.message.mid is missing" });
    expect(only(item({ message: null })).parsed).toEqual({ ok: false, reason: "unsupported shape: item.message is missing" });
    expect(only(item({ reaction: { emoji: "x" } })).parsed).toEqual({ ok: false, reason: "unsupported shape: item.reaction.mid is missing" });
    expect(only(item({ message: { mid: "m", attachments: [{ type: "image", payload: { url: 5 } }] } })).parsed).toMatchObject({ ok: false, reason: expect.stringMatching(/^unsupported shape: item\.message\.attachments\.0\.payload\.url: /) });
  });
});

