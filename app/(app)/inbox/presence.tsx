"use client";
import type { PresenceChannel } from "pusher-js";
import { useCallback, useEffect, useRef, useState } from "react";
import { conversationPresenceChannel } from "~/server/realtime/channels";
import {
  activeTypists,
  applyTypingSignal,
  colleagueRepliesSince,
  shouldSignalTyping,
  threadBaseline,
  TYPING_EVENT,
  type Typist,
  type TypingMode,
  type TypingSignal,
} from "~/server/realtime/presence";
import { useLocale, useT } from "../../_components/providers";
import { useRealtimeClient } from "../../_components/realtime";
import { useViewerId } from "../../_components/viewer";

/**
 * Who else has this conversation open, and who is typing in it: the conversation's Pusher presence channel
 * (members come and go with member_added / member_removed; a user with several tabs counts once), and typing as
 * the client event `client-typing`, sent at most every 3 s while the text changes and once more when it empties.
 * Nothing here touches the database: closing the tab is leaving.
 */
export function useConversationPresence(conversation: { id: string; companyId: string }, text: string, mode: TypingMode = "reply") {
  const client = useRealtimeClient();
  const me = useViewerId();
  const [members, setMembers] = useState<{ id: string; name: string }[]>([]);
  const [typists, setTypists] = useState<Typist[]>([]);
  const [now, setNow] = useState(() => Date.now());
  const channelRef = useRef<PresenceChannel | null>(null);
  const lastSent = useRef<number | null>(null);
  const { id, companyId } = conversation;

  useEffect(() => {
    if (!client) return;
    const name = conversationPresenceChannel(companyId, id);
    const channel = client.subscribe(name) as PresenceChannel;
    channelRef.current = channel;
    const sync = () => {
      const found: { id: string; name: string }[] = [];
      channel.members.each((m: { id: string; info?: { name?: unknown } }) => found.push({ id: m.id, name: typeof m.info?.name === "string" ? m.info.name : "" }));
      setMembers(found);
    };
    channel.bind("pusher:subscription_succeeded", sync);
    channel.bind("pusher:member_added", sync);
    channel.bind("pusher:member_removed", sync);
    channel.bind(TYPING_EVENT, (data: unknown, meta?: { user_id?: string }) => {
      // user_id is added by the realtime server from the sender's presence auth: it cannot be forged.
      if (meta?.user_id) setTypists((list) => applyTypingSignal(list, meta.user_id!, data, Date.now()));
      setNow(Date.now());
    });
    return () => {
      channel.unbind_all();
      client.unsubscribe(name);
      channelRef.current = null;
      setMembers([]);
      setTypists([]);
    };
  }, [client, companyId, id]);

  // A typist's line goes away a few seconds after their last signal: a clock ticks while someone is shown typing.
  useEffect(() => {
    if (typists.length === 0) return;
    const tick = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(tick);
  }, [typists.length]);

  const signal = useCallback((data: TypingSignal) => {
    const channel = channelRef.current;
    // Alone in the conversation nobody hears it: no event at all (the common case costs nothing).
    if (!channel?.subscribed || channel.members.count < 2) return;
    channel.trigger(TYPING_EVENT, data);
  }, []);

  // Typing is the text changing: a restored draft is not typing, and an emptied box (sent, or cleared) stops it.
  const previous = useRef(text);
  useEffect(() => {
    if (previous.current === text) return;
    previous.current = text;
    const at = Date.now();
    if (text.trim() === "") {
      if (lastSent.current !== null) signal({ mode, stopped: true });
      lastSent.current = null;
      return;
    }
    if (!shouldSignalTyping(lastSent.current, at)) return;
    lastSent.current = at;
    signal({ mode });
  }, [text, mode, signal]);

  const present = new Set(members.map((m) => m.id));
  const nameOf = (userId: string) => members.find((m) => m.id === userId)?.name ?? "";
  return {
    viewers: members.filter((m) => m.id !== me).map((m) => m.name),
    typing: activeTypists(typists, now, present, me).map((t) => ({ name: nameOf(t.userId), mode: t.mode })),
  };
}

export type ConversationPresence = ReturnType<typeof useConversationPresence>;

function useNames() {
  const locale = useLocale();
  return (names: string[]) => new Intl.ListFormat(locale, { style: "long", type: "conjunction" }).format(names);
}

/** "Anna is viewing", "Anna is typing a reply…": above the composer, announced politely to screen readers. */
export function PresenceLine({ presence }: { presence: ConversationPresence }) {
  const t = useT();
  const list = useNames();
  const replying = presence.typing.filter((p) => p.mode === "reply").map((p) => p.name);
  const noting = presence.typing.filter((p) => p.mode === "note").map((p) => p.name);
  const empty = presence.viewers.length === 0 && presence.typing.length === 0;
  return (
    <div data-testid="presence" role="status" aria-label={t("presence.label")} className={`flex flex-wrap gap-x-3 text-xs text-slate-600 ${empty ? "sr-only" : "mb-1"}`}>
      {presence.viewers.length > 0 && (
        <span className="inline-flex items-center gap-1">
          <span aria-hidden className="h-2 w-2 rounded-full bg-green-600" />
          {t("presence.viewing", { count: presence.viewers.length, names: list(presence.viewers) })}
        </span>
      )}
      {replying.length > 0 && <span className="italic text-slate-700">{t("presence.typingReply", { count: replying.length, names: list(replying) })}</span>}
      {noting.length > 0 && <span className="italic text-slate-700">{t("presence.typingNote", { count: noting.length, names: list(noting) })}</span>}
    </div>
  );
}

type ThreadMessage = Parameters<typeof colleagueRepliesSince>[0][number];

/**
 * Warns before sending when a colleague replied since you started typing: "since" is the newest message the thread
 * showed when the box stopped being empty (the server's clock, not this browser's). `holdSend()` says whether to
 * stop and show the warning; "Review first" accepts what is on screen now; "Send anyway" sends.
 */
export function useReplyGuard(messages: readonly ThreadMessage[], text: string) {
  const me = useViewerId();
  const typing = text.trim() !== "";
  // A draft restored with the page counts as typing from now.
  const [baseline, setBaseline] = useState<number | null>(() => (typing ? threadBaseline(messages) : null));
  const [held, setHeld] = useState(false);
  // The box became empty (sent, cleared) or stopped being empty: adjusted while rendering, as React advises.
  const [wasTyping, setWasTyping] = useState(typing);
  if (wasTyping !== typing) {
    setWasTyping(typing);
    setBaseline(typing ? threadBaseline(messages) : null);
    if (!typing) setHeld(false);
  }
  const replies = baseline === null ? [] : colleagueRepliesSince(messages, baseline, me);
  const names = [...new Set(replies.map((m) => m.authorUserName ?? ""))];
  return {
    names,
    held: held && names.length > 0,
    holdSend(): boolean {
      if (names.length === 0) return false;
      setHeld(true);
      return true;
    },
    review() {
      setHeld(false);
      setBaseline(threadBaseline(messages));
    },
  };
}

export type ReplyGuard = ReturnType<typeof useReplyGuard>;

export function ReplyConflict({ guard, onSendAnyway }: { guard: ReplyGuard; onSendAnyway: () => void }) {
  const t = useT();
  const list = useNames();
  if (!guard.held) return null;
  return (
    <div role="alert" data-testid="reply-conflict" className="mb-2 flex flex-wrap items-center gap-2 rounded bg-amber-50 px-2 py-1.5 text-sm text-amber-900">
      <span className="min-w-0 flex-1">{t("presence.conflict", { count: guard.names.length, names: list(guard.names) })}</span>
      <button type="button" onClick={() => guard.review()} className="rounded border border-amber-700 px-2 py-1 text-amber-900 hover:bg-amber-100">
        {t("presence.review")}
      </button>
      <button
        type="button"
        onClick={() => {
          guard.review();
          onSendAnyway();
        }}
        className="rounded bg-amber-700 px-2 py-1 font-medium text-white hover:bg-amber-800"
      >
        {t("presence.sendAnyway")}
      </button>
    </div>
  );
}
