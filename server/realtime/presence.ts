/**
 * Presence in a conversation and the operator's attention (pure rules, shared by the browser and the tests):
 * who is typing, when a colleague replied while you were typing, when you are idle, and what deserves a
 * notification. No I/O here: app/_components and app/(app)/inbox call these with what they saw.
 */
import type { RealtimeEvent } from "./channels";

/** The typing client event on a conversation's presence channel. */
export const TYPING_EVENT = "client-typing";
export type TypingMode = "reply" | "note";
export type TypingSignal = { mode: TypingMode; stopped?: boolean };

/** A typist sends at most one signal this often (Pusher allows 10 client events a second per socket). */
export const TYPING_SIGNAL_INTERVAL_MS = 3_000;
/** A typist is shown this long after their last signal: two signals may be lost before the line goes away. */
export const TYPING_VISIBLE_MS = 7_000;

/** Whether a keystroke now sends a typing signal, given when the last one went. */
export function shouldSignalTyping(lastSentAt: number | null, now: number): boolean {
  return lastSentAt === null || now - lastSentAt >= TYPING_SIGNAL_INTERVAL_MS;
}

export type Typist = { userId: string; mode: TypingMode; at: number };

/** The typing signal from `userId` (read leniently: anything but a note is a reply), folded into who types. */
export function applyTypingSignal(typists: Typist[], userId: string, data: unknown, now: number): Typist[] {
  const others = typists.filter((t) => t.userId !== userId);
  const signal = (typeof data === "object" && data !== null ? data : {}) as Partial<TypingSignal>;
  if (signal.stopped === true) return others;
  return [...others, { userId, mode: signal.mode === "note" ? "note" : "reply", at: now }];
}

/** Typists still shown at `now`, never oneself, never someone who left the conversation. */
export function activeTypists(typists: Typist[], now: number, present: ReadonlySet<string>, me: string): Typist[] {
  return typists.filter((t) => t.userId !== me && present.has(t.userId) && now - t.at < TYPING_VISIBLE_MS);
}

type ThreadMessage = { id: string; authorKind: string; authorUserId: string | null; authorUserName: string | null; createdAt: Date | string };

/** The newest message time in a thread: what "since you started typing" is measured from (the server's clock). */
export function threadBaseline(messages: readonly ThreadMessage[]): number {
  return messages.reduce((max, m) => Math.max(max, new Date(m.createdAt).getTime()), 0);
}

/** Replies a colleague sent after `baseline` (a system note, the customer or one's own reply does not count). */
export function colleagueRepliesSince(messages: readonly ThreadMessage[], baseline: number, me: string): ThreadMessage[] {
  return messages.filter((m) => m.authorKind === "operator" && m.authorUserId !== null && m.authorUserId !== me && new Date(m.createdAt).getTime() > baseline);
}

/** No keyboard, pointer or touch input for this long in any tab: the person goes Away (and Online again on input). */
export const IDLE_AWAY_MS = 10 * 60_000;
/** How often an open tab tells the server its person is still there (hidden tabs' timers may run once a minute). */
export const HEARTBEAT_MS = 60_000;
/** Someone Online whose tabs have not reported in for this long closed them or lost the network: routing skips them. */
export const SEEN_WITHIN_MS = 3 * 60_000;

export function isIdle(lastActivityAt: number, now: number, idleMs = IDLE_AWAY_MS): boolean {
  return now - lastActivityAt >= idleMs;
}

/** What the signed-in person is in: their teams and the lines those teams serve (for "a new conversation in my lines"). */
export type AttentionScope = { userId: string; teamIds: readonly string[]; lineIds: readonly string[] };
export type AttentionKind = "conversation" | "message" | "mention";
export type Attention = { kind: AttentionKind; conversationId: string };

/**
 * Whether a realtime event deserves this person's attention: a new conversation in their lines or teams (and
 * not already given to someone else), a customer message in a conversation assigned to them (the event names the
 * assignee only for a customer's message: a reply or a note never notifies), a mention of them.
 */
export function attentionFor(event: RealtimeEvent, scope: AttentionScope): Attention | null {
  switch (event.name) {
    case "conversation.created": {
      const { conversationId, lineId, teamId, assigneeId } = event.data;
      if (assigneeId !== null) return assigneeId === scope.userId ? { kind: "conversation", conversationId } : null;
      const mine = (lineId !== null && scope.lineIds.includes(lineId)) || (teamId !== null && scope.teamIds.includes(teamId));
      return mine ? { kind: "conversation", conversationId } : null;
    }
    case "message.created":
      return event.data.assigneeId === scope.userId ? { kind: "message", conversationId: event.data.conversationId } : null;
    case "mention.created":
      return event.data.userIds.includes(scope.userId) ? { kind: "mention", conversationId: event.data.conversationId } : null;
    default:
      return null;
  }
}

/** The tab's title with the unread count in front: "(3) Inbox · Switchboard"; the plain title at zero. */
export function titleWithCount(title: string, count: number): string {
  const plain = title.replace(/^\(\d+\+?\) /, "");
  if (count <= 0) return plain;
  return `(${count > 99 ? "99+" : count}) ${plain}`;
}
