import { afterEach, describe, expect, it } from "vitest";
import { metaGraphFake } from "../../testing/setup";
import { metaBackfillItem, missedMetaMessages } from "./recover-meta-history";

const world = metaGraphFake.world;
const MINUTE = 60_000;
const at = (minutesAgo: number) => new Date(Math.floor((Date.now() - minutesAgo * MINUTE) / 1000) * 1000);
const noPause = () => Promise.resolve();

afterEach(() => metaGraphFake.reset());

describe("missedMetaMessages: the Conversations API, paged", () => {
  it("pages conversations and a long conversation's messages, stops at the window, oldest first", async () => {
    world.addPage({ id: "RP1", name: "Paged Page" });
    world.registerPageToken("EAApaged", "RP1");
    // 12 conversations in the window (more than one page of 10), one of them with 45 messages (three pages of 20).
    for (let i = 0; i < 12; i++) world.addConversationMessage({ pageId: "RP1", customer: { id: `c${i}` }, text: `hi ${i}`, at: at(100 + i) });
    for (let i = 0; i < 45; i++) world.addConversationMessage({ pageId: "RP1", customer: { id: "chatty" }, text: `line ${i}`, at: at(200 - i) });
    world.addConversationMessage({ pageId: "RP1", customer: { id: "chatty" }, text: "long ago", at: at(600) });
    // A conversation last updated before the window, and the Page's own reply.
    world.addConversationMessage({ pageId: "RP1", customer: { id: "old" }, text: "old news", at: at(500) });
    world.addConversationMessage({ pageId: "RP1", customer: { id: "c0" }, from: "account", text: "reply", at: at(99) });

    const found = await missedMetaMessages({
      pageToken: "EAApaged",
      pageId: "RP1",
      accountIds: ["RP1"],
      platform: "messenger",
      window: { since: at(300), until: new Date() },
      pace: noPause,
    });
    expect(found.truncated).toBe(false);
    expect(found.messages).toHaveLength(12 + 45);
    const texts = found.messages.map((m) => m.raw.message);
    expect(texts.slice(0, 3)).toEqual(["line 0", "line 1", "line 2"]);
    expect(texts).not.toContain("long ago");
    expect(texts).not.toContain("old news");
    expect(texts).not.toContain("reply");
    expect(found.messages.map((m) => m.at)).toEqual([...found.messages.map((m) => m.at)].sort((a, b) => a - b));
    const conversationCalls = metaGraphFake.calls.filter((c) => c.edge === "conversations");
    expect(conversationCalls).toHaveLength(2);
    expect(metaGraphFake.calls.filter((c) => c.edge === "messages").length).toBe(2);
  });

  it("keeps what it found when Graph refuses, with the codes only", async () => {
    world.addPage({ id: "RP2", name: "Limited Page" });
    world.registerPageToken("EAAlimited", "RP2");
    world.addConversationMessage({ pageId: "RP2", customer: { id: "x" }, text: "hello", at: at(5) });
    world.conversationsError = { status: 400, code: 80006, message: "There have been too many messenger api calls to this Page." };
    const found = await missedMetaMessages({ pageToken: "EAAlimited", pageId: "RP2", accountIds: ["RP2"], platform: "messenger", window: { since: at(60), until: new Date() }, pace: noPause });
    expect(found).toMatchObject({ messages: [], truncated: true, failure: { code: 80006, subcode: null } });
  });

  it("builds the webhook item the live parser takes: sender, recipient, timestamp, mid, text and attachments", () => {
    const item = metaBackfillItem("instagram", "IG1", {
      at: 1_700_000_000_000,
      raw: {
        id: "aWdfmid",
        created_time: "2023-11-14T22:13:20+0000",
        from: { username: "cat", id: "IGSID1" },
        message: "",
        attachments: { data: [{ id: "a1", mime_type: "image/jpeg", image_data: { url: "https://cdn.example/a.jpg" } }] },
      },
    });
    expect(item).toEqual({
      object: "instagram",
      entryId: "IG1",
      entryTime: 1_700_000_000_000,
      field: "messaging",
      item: {
        sender: { id: "IGSID1" },
        recipient: { id: "IG1" },
        timestamp: 1_700_000_000_000,
        message: { mid: "aWdfmid", attachments: [{ type: "image", payload: { url: "https://cdn.example/a.jpg" } }] },
      },
    });
    expect(metaBackfillItem("messenger", "P1", { at: 1, raw: { id: "m_1", from: { id: "u" }, message: "" } })).toBeUndefined();
  });
});
