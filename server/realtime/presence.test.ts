import { describe, expect, it } from "vitest";
import type { RealtimeEvent } from "./channels";
import { companyIdFromPresenceChannel, conversationPresenceChannel } from "./channels";
import {
  activeTypists,
  applyTypingSignal,
  attentionFor,
  colleagueRepliesSince,
  isIdle,
  shouldSignalTyping,
  threadBaseline,
  titleWithCount,
  TYPING_SIGNAL_INTERVAL_MS,
  TYPING_VISIBLE_MS,
} from "./presence";

const CO = "11111111-1111-4111-8111-111111111111";
const CONV = "22222222-2222-4222-8222-222222222222";

describe("presence channel names", () => {
  it("carry the company, so the auth endpoint can refuse another company's conversation", () => {
    const name = conversationPresenceChannel(CO, CONV);
    expect(name.length).toBeLessThanOrEqual(200);
    expect(companyIdFromPresenceChannel(name)).toBe(CO);
    expect(companyIdFromPresenceChannel(`presence-conversation-${CO}`)).toBeUndefined();
    expect(companyIdFromPresenceChannel(`private-company-${CO}`)).toBeUndefined();
    expect(companyIdFromPresenceChannel(`${name}-extra`)).toBeUndefined();
  });
});

describe("typing", () => {
  it("signals at most once per interval", () => {
    expect(shouldSignalTyping(null, 1_000)).toBe(true);
    expect(shouldSignalTyping(1_000, 1_000 + TYPING_SIGNAL_INTERVAL_MS - 1)).toBe(false);
    expect(shouldSignalTyping(1_000, 1_000 + TYPING_SIGNAL_INTERVAL_MS)).toBe(true);
  });

  it("shows a typist until their signals stop, or they stop, or they leave; never oneself", () => {
    let typists = applyTypingSignal([], "anna", { mode: "reply" }, 0);
    typists = applyTypingSignal(typists, "oleh", { mode: "note" }, 0);
    typists = applyTypingSignal(typists, "me", "garbage", 0);
    const present = new Set(["anna", "oleh", "me"]);
    expect(activeTypists(typists, 1_000, present, "me")).toEqual([
      { userId: "anna", mode: "reply", at: 0 },
      { userId: "oleh", mode: "note", at: 0 },
    ]);
    // A fresh signal replaces the old one rather than adding a second line.
    typists = applyTypingSignal(typists, "anna", { mode: "reply" }, 5_000);
    expect(activeTypists(typists, TYPING_VISIBLE_MS + 1, present, "me").map((t) => t.userId)).toEqual(["anna"]);
    expect(activeTypists(typists, 1_000, new Set(["oleh"]), "me").map((t) => t.userId)).toEqual(["oleh"]);
    expect(applyTypingSignal(typists, "anna", { mode: "reply", stopped: true }, 6_000).map((t) => t.userId)).toEqual(["oleh", "me"]);
  });
});

describe("a colleague replied while you were typing", () => {
  const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
  const thread = [
    { id: "1", authorKind: "customer", authorUserId: null, authorUserName: null, createdAt: at(1) },
    { id: "2", authorKind: "operator", authorUserId: "anna", authorUserName: "Anna", createdAt: at(2) },
  ];
  it("counts only colleagues' replies after the thread's newest message when typing began", () => {
    const baseline = threadBaseline(thread);
    expect(colleagueRepliesSince(thread, baseline, "me")).toEqual([]);
    const later = [
      ...thread,
      { id: "3", authorKind: "system", authorUserId: null, authorUserName: null, createdAt: at(3) },
      { id: "4", authorKind: "operator", authorUserId: "me", authorUserName: "Me", createdAt: at(4) },
      { id: "5", authorKind: "customer", authorUserId: null, authorUserName: null, createdAt: at(5) },
    ];
    expect(colleagueRepliesSince(later, baseline, "me")).toEqual([]);
    const answered = [...later, { id: "6", authorKind: "operator", authorUserId: "anna", authorUserName: "Anna", createdAt: new Date(at(6)) }];
    expect(colleagueRepliesSince(answered, baseline, "me").map((m) => m.authorUserName)).toEqual(["Anna"]);
  });
});

describe("idle", () => {
  it("is idle from the configured time without input on", () => {
    expect(isIdle(0, 599_999)).toBe(false);
    expect(isIdle(0, 600_000)).toBe(true);
    expect(isIdle(0, 1_000, 1_000)).toBe(true);
  });
});

describe("what deserves a notification", () => {
  const scope = { userId: "me", teamIds: ["support"], lineIds: ["sales"] };
  const created = (data: Partial<{ lineId: string | null; teamId: string | null; assigneeId: string | null }>): RealtimeEvent => ({
    name: "conversation.created",
    data: { conversationId: "c", lineId: null, teamId: null, assigneeId: null, ...data },
  });

  it("a new conversation in my lines or teams, unless routing gave it to someone else", () => {
    expect(attentionFor(created({ lineId: "sales" }), scope)).toEqual({ kind: "conversation", conversationId: "c" });
    expect(attentionFor(created({ lineId: "other", teamId: "support" }), scope)).toEqual({ kind: "conversation", conversationId: "c" });
    expect(attentionFor(created({ lineId: "other", teamId: "other" }), scope)).toBeNull();
    expect(attentionFor(created({ lineId: "sales", assigneeId: "anna" }), scope)).toBeNull();
    expect(attentionFor(created({ lineId: "other", assigneeId: "me" }), scope)).toEqual({ kind: "conversation", conversationId: "c" });
  });

  it("a customer's message in a conversation assigned to me; never a reply or a note", () => {
    expect(attentionFor({ name: "message.created", data: { conversationId: "c", messageId: "m", assigneeId: "me" } }, scope)).toEqual({ kind: "message", conversationId: "c" });
    expect(attentionFor({ name: "message.created", data: { conversationId: "c", messageId: "m", assigneeId: "anna" } }, scope)).toBeNull();
    expect(attentionFor({ name: "message.created", data: { conversationId: "c", messageId: "m" } }, scope)).toBeNull();
  });

  it("a mention of me", () => {
    expect(attentionFor({ name: "mention.created", data: { conversationId: "c", messageId: "m", userIds: ["anna", "me"] } }, scope)).toEqual({ kind: "mention", conversationId: "c" });
    expect(attentionFor({ name: "mention.created", data: { conversationId: "c", messageId: "m", userIds: ["anna"] } }, scope)).toBeNull();
    expect(attentionFor({ name: "conversation.updated", data: { conversationId: "c" } }, scope)).toBeNull();
  });
});

describe("the tab title", () => {
  it("puts the unread count in front, once", () => {
    expect(titleWithCount("Inbox · Switchboard", 3)).toBe("(3) Inbox · Switchboard");
    expect(titleWithCount("(3) Inbox · Switchboard", 4)).toBe("(4) Inbox · Switchboard");
    expect(titleWithCount("(4) Inbox · Switchboard", 0)).toBe("Inbox · Switchboard");
    expect(titleWithCount("Inbox", 250)).toBe("(99+) Inbox");
  });
});
