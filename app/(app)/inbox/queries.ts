import { skipToken, type InfiniteData, type QueryClient } from "@tanstack/react-query";
import type { TRPCOptionsProxy } from "@trpc/tanstack-react-query";
import type { AppRouter } from "~/server/api/root";

/** The tRPC query options, in the browser (useTRPC) and on the server (the page's prefetch) alike. */
export type InboxTRPC = TRPCOptionsProxy<AppRouter>;

// Mentions: the notes that @mention the reader, not a conversation status (./mentions.tsx); it has no list query.
export const TABS = ["new", "in_progress", "closed", "mine", "mentions"] as const;
export type Tab = (typeof TABS)[number];
export const FILTER_KEYS = ["lineId", "channelId", "provider", "assigneeId", "teamId"] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
export const PROVIDERS = ["telegram", "messenger", "instagram", "vk"] as const;
/** Conversations in one page of the list, and messages in one page of a thread. */
export const LIST_PAGE = 30;
export const THREAD_PAGE = 50;

/**
 * The view the address names (?c=, ?tab=, ?q= and the filters): read the same way by the page on the server and by
 * the inbox in the browser, so the server's prefetched queries are the very ones the browser asks for.
 */
export function inboxView(get: (key: string) => string | null | undefined) {
  const selected = get("c") || null;
  const tabParam = get("tab") ?? "";
  const tab: Tab = (TABS as readonly string[]).includes(tabParam) ? (tabParam as Tab) : "new";
  const q = get("q") ?? "";
  const filters: Partial<Record<FilterKey, string>> = {};
  for (const k of FILTER_KEYS) {
    const v = get(k);
    if (v) filters[k] = v;
  }
  const query = { ...filters, provider: filters.provider as (typeof PROVIDERS)[number] | undefined, q: q || undefined };
  return { selected, tab, q, filters, query };
}

export type InboxQuery = ReturnType<typeof inboxView>["query"];

/** A tab's list, page by page (keyset: each page continues after the last row's cursor). */
export function listQuery(trpc: InboxTRPC, query: InboxQuery, tab: Tab) {
  return trpc.inbox.list.infiniteQueryOptions(
    tab === "mentions" ? skipToken : { ...query, tab, limit: LIST_PAGE },
    { getNextPageParam: (last) => (last.length === LIST_PAGE ? last[last.length - 1]!.cursor : undefined) },
  );
}

/** A thread's pages, newest first: the same query whether it is prefetched, server-rendered or opened. */
export function threadQuery(trpc: InboxTRPC, conversationId: string) {
  return trpc.inbox.thread.infiniteQueryOptions({ conversationId, limit: THREAD_PAGE }, { getNextPageParam: (page) => page.olderCursor ?? undefined });
}

/** The newest page of an infinite query's data (the first one), without the pages read after it; as is when one. */
export function newestPage<T, P>(data: InfiniteData<T, P>): InfiniteData<T, P> {
  return data.pages.length <= 1 ? data : { pages: data.pages.slice(0, 1), pageParams: data.pageParams.slice(0, 1) };
}

/**
 * A thread closed: its cache keeps only the newest page, so opening it again renders (and refetches) one page rather
 * than every older page read before — a long conversation read far back grew by a page each time. Its freshness is
 * kept (when it was fetched, whether a live event invalidated it); a fetch under way is left to finish.
 */
export function keepNewestThreadPage(queryClient: QueryClient, trpc: InboxTRPC, conversationId: string) {
  const { queryKey } = threadQuery(trpc, conversationId);
  const state = queryClient.getQueryState(queryKey);
  if (!state?.data || state.data.pages.length <= 1 || state.fetchStatus === "fetching") return;
  queryClient.setQueryData(queryKey, (data) => data && newestPage(data), { updatedAt: state.dataUpdatedAt });
  if (state.isInvalidated) void queryClient.invalidateQueries({ queryKey, exact: true, refetchType: "none" });
}

/** How long a prefetched thread counts as fresh: live events mark it stale sooner when it changes. */
export const PREFETCH_FRESH_MS = 30_000;
