"use client";
import type { useTRPC } from "../../_lib/trpc";

type TRPC = ReturnType<typeof useTRPC>;

/** Messages in one page of a thread. */
export const THREAD_PAGE = 50;

/** A thread's pages, newest first: the same query whether it is prefetched, server-rendered or opened. */
export function threadQuery(trpc: TRPC, conversationId: string) {
  return trpc.inbox.thread.infiniteQueryOptions({ conversationId, limit: THREAD_PAGE }, { getNextPageParam: (page) => page.olderCursor ?? undefined });
}

/** How long a prefetched thread counts as fresh: live events mark it stale sooner when it changes. */
export const PREFETCH_FRESH_MS = 30_000;
