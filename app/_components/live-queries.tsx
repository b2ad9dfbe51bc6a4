"use client";
import { useQueryClient, type Query } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { useTRPC } from "../_lib/trpc";
import { useRealtime, useRealtimeState, type LiveSignal } from "./realtime";
import { useViewerId } from "./viewer";

/** While the realtime socket is down, what it would have said is fetched this often instead. */
const POLL_WHILE_DISCONNECTED_MS = 10_000;

/** The conversation a cached inbox query is about, if any (tRPC keys are [path, { input, type }]). */
function conversationOf(query: Query): string | undefined {
  const input = (query.queryKey[1] as { input?: { conversationId?: unknown } } | undefined)?.input;
  return typeof input?.conversationId === "string" ? input.conversationId : undefined;
}

type CachedSessions = { pages?: { sessions?: { id: string; status: string }[] }[] } | undefined;

/** The conversations a cached thread shows: its own and the contact's other sessions. */
function sessionsOf(query: Query): string[] {
  return (query.state.data as CachedSessions)?.pages?.[0]?.sessions?.map((s) => s.id) ?? [];
}

/** A thread whose sessions are all closed: the customer's next message starts a session it does not know yet. */
function allClosed(query: Query): boolean {
  const sessions = (query.state.data as CachedSessions)?.pages?.[0]?.sessions;
  return Boolean(sessions?.length) && sessions!.every((s) => s.status === "closed");
}

/**
 * Keeps cached inbox and channel queries fresh from the company's realtime channel, on every page: an event
 * marks exactly the affected queries stale (a thread refetches only when it is the one that changed; lists
 * and counts at most a few times a second however fast messages arrive). Nothing reloads the page. After a
 * reconnect everything refetches, since what happened meanwhile is in the database.
 */
export function LiveQueries() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const viewerId = useViewerId();
  const pending = useRef<{ lists: boolean; channels: boolean; mentions: boolean; threads: Set<string>; all: boolean }>({ lists: false, channels: false, mentions: false, threads: new Set(), all: false });
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );

  const flush = () => {
    timer.current = null;
    const p = pending.current;
    pending.current = { lists: false, channels: false, mentions: false, threads: new Set(), all: false };
    if (p.all) {
      void queryClient.invalidateQueries({ queryKey: trpc.inbox.pathKey() });
      void queryClient.invalidateQueries({ queryKey: trpc.channels.pathKey() });
      return;
    }
    if (p.lists) {
      void queryClient.invalidateQueries({ queryKey: trpc.inbox.list.pathKey() });
      void queryClient.invalidateQueries({ queryKey: trpc.inbox.counts.pathKey() });
    }
    if (p.mentions) void queryClient.invalidateQueries({ queryKey: trpc.inbox.notes.pathKey() });
    if (p.threads.size > 0) {
      // A thread shows all the contact's sessions: it refetches for any of them; and a thread with no open session
      // also for a conversation no cached thread knows yet (the customer wrote again after a close: a new session,
      // maybe of the contact on screen). An open thread never refetches for other conversations.
      const threads = queryClient.getQueryCache().findAll({ queryKey: trpc.inbox.thread.pathKey() });
      const known = new Set(threads.flatMap((q) => [conversationOf(q) ?? "", ...sessionsOf(q)]));
      const unknown = [...p.threads].some((id) => !known.has(id));
      void queryClient.invalidateQueries({
        queryKey: trpc.inbox.thread.pathKey(),
        predicate: (q) => p.threads.has(conversationOf(q) ?? "") || sessionsOf(q).some((id) => p.threads.has(id)) || (unknown && allClosed(q)),
      });
    }
    if (p.channels) {
      void queryClient.invalidateQueries({ queryKey: trpc.channels.pathKey() });
      void queryClient.invalidateQueries({ queryKey: trpc.metaWizard.pathKey() }); // its recovered counts
      void queryClient.invalidateQueries({ queryKey: trpc.inbox.thread.pathKey() });
    }
  };

  // The realtime server away or restarting: the inbox keeps working over plain requests and stays current by
  // refetching every few seconds until the socket is back (which then resyncs once more).
  const live = useRealtimeState();
  useEffect(() => {
    // Offline (no network at all) nothing can be fetched: the browser's "online" resyncs instead.
    if (live === "connected" || live === "no_network") return;
    const poll = setInterval(() => {
      void queryClient.invalidateQueries({ queryKey: trpc.inbox.pathKey() });
      void queryClient.invalidateQueries({ queryKey: trpc.channels.pathKey() });
    }, POLL_WHILE_DISCONNECTED_MS);
    return () => clearInterval(poll);
  }, [live, queryClient, trpc]);

  useRealtime((e: LiveSignal) => {
    const p = pending.current;
    switch (e.name) {
      case "resync":
        p.all = true;
        break;
      case "channel.status_changed":
        p.channels = true;
        p.lists = true;
        break;
      case "channel.recovery_progress":
        p.channels = true;
        break;
      case "mention.created":
        // Only the Mentions tab and its count change, and only for those mentioned (the note came as message.created).
        if (!e.data.userIds.includes(viewerId)) return;
        p.mentions = true;
        break;
      case "contact.updated":
        p.lists = true;
        e.data.conversationIds.forEach((id) => p.threads.add(id));
        break;
      case "user.availability_changed":
        // The nav's availability control listens for its own; the Assign menu says who is Away.
        void queryClient.invalidateQueries({ queryKey: trpc.inbox.options.queryKey() });
        return;
      default:
        p.lists = true;
        p.threads.add(e.data.conversationId);
    }
    // A thread being read updates at once; bursts are folded into one refetch per query.
    if (!timer.current) timer.current = setTimeout(flush, p.threads.size > 0 && !p.all ? 50 : 250);
  });
  return null;
}
