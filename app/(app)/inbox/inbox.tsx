"use client";
import { keepPreviousData, useInfiniteQuery, useQuery, useQueryClient } from "@tanstack/react-query";
import { usePathname, useSearchParams } from "next/navigation";
import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from "react";
import type { MessageKey } from "~/server/i18n";
import { useT } from "../../_components/providers";
import { useRealtimeState } from "../../_components/realtime";
import { useTRPC } from "../../_lib/trpc";
import { ContactPanelLayout } from "./contact-panel";
import { ConversationRow } from "./conversation-row";
import { MentionsList } from "./mentions";
import { useHydrated } from "./hydrated";
import { goTo } from "./nav";
import { FILTER_KEYS, inboxView, listQuery, PREFETCH_FRESH_MS, PROVIDERS, TABS, threadQuery, type FilterKey } from "./queries";
import { Thread } from "./thread";

/** Rows whose threads are fetched ahead once the list is shown, and thread requests allowed in flight ahead of a click. */
const PREFETCH_TOP = 3;
/** The pause after the last key before searching: long enough to fold a burst of keys into one request. */
const SEARCH_WAIT_MS = 120;
const MAX_PREFETCHING = 4;

/** The operator's inbox: tabs with live counts, filters and search (all in the URL), the list and the thread. */
export function Inbox() {
  const t = useT();
  const trpc = useTRPC();
  const params = useSearchParams();
  const pathname = usePathname();
  const live = useRealtimeState();
  const { selected, tab, q, filters, query } = inboxView((k) => params.get(k));
  // An opened conversation's first page comes with the page (the server prefetched it); it is drawn once hydrated,
  // since its times are the browser's.
  const hydrated = useHydrated();

  // The counts of the previous search stay on the tabs until the new ones arrive (no flicker while typing).
  const counts = useQuery({ ...trpc.inbox.counts.queryOptions(query), placeholderData: keepPreviousData });
  const options = useQuery(trpc.inbox.options.queryOptions());
  const mentions = useQuery(trpc.inbox.notes.unreadMentions.queryOptions());
  const list = useInfiniteQuery(listQuery(trpc, query, tab));
  const rows = list.data?.pages.flat() ?? [];

  // What the operator is about to open is fetched ahead, through the same cache the thread reads: the row under the
  // pointer or focus, and the top few rows once the browser is idle. At most a few at a time.
  const queryClient = useQueryClient();
  const prefetchThread = useCallback(
    (id: string, urgent = false) => {
      if (!urgent && queryClient.isFetching({ queryKey: trpc.inbox.thread.pathKey() }) >= MAX_PREFETCHING) return;
      void queryClient.prefetchInfiniteQuery({ ...threadQuery(trpc, id), staleTime: PREFETCH_FRESH_MS });
    },
    [queryClient, trpc],
  );
  const topRows = rows
    .slice(0, PREFETCH_TOP)
    .map((r) => r.id)
    .join(" ");
  useEffect(() => {
    if (!topRows) return;
    const idle = window.requestIdleCallback ?? ((f: () => void) => window.setTimeout(f, 200));
    const cancel = window.cancelIdleCallback ?? window.clearTimeout;
    const id = idle(() => topRows.split(" ").forEach((r) => prefetchThread(r)));
    return () => cancel(id);
  }, [topRows, prefetchThread]);

  const href = (next: Record<string, string | null>) => {
    const p = new URLSearchParams(params.toString());
    for (const [k, v] of Object.entries(next)) {
      if (v) p.set(k, v);
      else p.delete(k);
    }
    return `${pathname}?${p.toString()}`;
  };

  // Search as you type, written to the URL (and fetched) a moment after the last key.
  const [search, setSearch] = useState(q);
  useEffect(() => setSearch(q), [q]);
  useEffect(() => {
    if (search === q) return;
    // Written onto the address as it is then (a row opened meanwhile stays open).
    const id = setTimeout(() => {
      const p = new URLSearchParams(window.location.search);
      const next = search.trim();
      if ((p.get("q") ?? "") === next) return;
      if (next) p.set("q", next);
      else p.delete("q");
      goTo(`${pathname}?${p.toString()}`, "replace");
    }, SEARCH_WAIT_MS);
    return () => clearTimeout(id);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only the typed text restarts the wait
  }, [search]);

  const [showFilters, setShowFilters] = useState(FILTER_KEYS.some((k) => params.get(k)));
  const tabRefs = useRef<(HTMLButtonElement | null)[]>([]);
  const onTabKey = (e: KeyboardEvent, i: number) => {
    const step = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
    const to = e.key === "Home" ? 0 : e.key === "End" ? TABS.length - 1 : step ? (i + step + TABS.length) % TABS.length : -1;
    if (to < 0) return;
    e.preventDefault();
    tabRefs.current[to]?.focus();
    goTo(href({ tab: TABS[to]!, c: null }), "replace");
  };

  const o = options.data;
  const select = (key: FilterKey, label: MessageKey, choices: { value: string; label: string }[]) => (
    <label className="flex min-w-0 flex-col gap-0.5 text-xs text-slate-700">
      {t(label)}
      <select
        value={filters[key] ?? ""}
        onChange={(e) => goTo(href({ [key]: e.target.value || null }))}
        className="w-full min-w-0 rounded border border-slate-300 bg-white px-2 py-1 text-sm"
      >
        <option value="">{t("inbox.filters.any")}</option>
        {choices.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
      </select>
    </label>
  );

  return (
    <div className="grid min-w-0 gap-4 md:grid-cols-[minmax(0,24rem)_minmax(0,1fr)]">
      <section aria-labelledby="conversations-heading" className={`${selected ? "hidden md:block" : ""} min-w-0 rounded-lg border border-slate-200 bg-white`}>
        <div className="flex items-center justify-between gap-2 border-b border-slate-200 px-3 py-2">
          <h1 id="conversations-heading" className="font-semibold">
            {t("inbox.conversations")}
          </h1>
          <span role="status" className="flex items-center gap-1 text-xs text-slate-600">
            <span aria-hidden className={`inline-block h-2 w-2 rounded-full ${live === "connected" ? "bg-green-600" : live === "connecting" ? "bg-amber-500" : live === "no_network" ? "bg-red-600" : "bg-slate-400"}`} />
            {t(`inbox.live.${live}`)}
          </span>
        </div>

        <div className="space-y-2 border-b border-slate-200 px-3 py-2">
          <div className="flex items-end gap-2">
            <label className="flex min-w-0 flex-1 flex-col gap-0.5 text-xs text-slate-700">
              {t("inbox.search.label")}
              <input
                type="search"
                value={search}
                onChange={(e) => setSearch(e.target.value)}
                placeholder={t("inbox.search.placeholder")}
                className="w-full min-w-0 rounded border border-slate-300 px-2 py-1 text-sm"
              />
            </label>
            <button
              type="button"
              aria-expanded={showFilters}
              aria-controls="inbox-filters"
              onClick={() => setShowFilters((v) => !v)}
              className="shrink-0 rounded border border-slate-300 px-2 py-1 text-sm text-slate-700 hover:bg-slate-50"
            >
              {t("inbox.filters.show")}
              {FILTER_KEYS.some((k) => filters[k]) ? ` (${FILTER_KEYS.filter((k) => filters[k]).length})` : ""}
            </button>
          </div>
          {showFilters && (
            <fieldset id="inbox-filters" className="grid grid-cols-2 gap-2">
              <legend className="sr-only">{t("inbox.filters.label")}</legend>
              {select("lineId", "inbox.filters.line", (o?.lines ?? []).map((l) => ({ value: l.id, label: l.name })))}
              {select("channelId", "inbox.filters.channel", (o?.channels ?? []).map((c) => ({ value: c.id, label: `${c.name} (${t(`provider.${c.provider}` as MessageKey)})` })))}
              {select("provider", "inbox.filters.messenger", PROVIDERS.map((p) => ({ value: p, label: t(`provider.${p}` as MessageKey) })))}
              {select("assigneeId", "inbox.filters.assignee", [{ value: "none", label: t("inbox.filters.unassigned") }, ...(o?.people ?? []).map((p) => ({ value: p.id, label: p.name }))])}
              {select("teamId", "inbox.filters.team", (o?.teams ?? []).map((tm) => ({ value: tm.id, label: tm.name })))}
              <div className="flex items-end">
                <button
                  type="button"
                  onClick={() => goTo(href(Object.fromEntries(FILTER_KEYS.map((k) => [k, null]))))}
                  className="rounded px-2 py-1 text-sm text-brand-700 underline hover:bg-slate-50"
                >
                  {t("inbox.filters.clear")}
                </button>
              </div>
            </fieldset>
          )}
        </div>

        <div role="tablist" aria-label={t("inbox.tabs.label")} className="flex flex-wrap gap-1 border-b border-slate-200 px-2 py-2">
          {TABS.map((name, i) => (
            <button
              key={name}
              ref={(el) => {
                tabRefs.current[i] = el;
              }}
              id={`tab-${name}`}
              type="button"
              role="tab"
              aria-selected={tab === name}
              aria-controls="conversation-panel"
              tabIndex={tab === name ? 0 : -1}
              onKeyDown={(e) => onTabKey(e, i)}
              onClick={() => goTo(href({ tab: name, c: null }))}
              className={`flex shrink-0 items-center gap-1 whitespace-nowrap rounded px-2 py-1 text-sm ${tab === name ? "bg-slate-900 text-white" : "text-slate-700 hover:bg-slate-100"}`}
            >
              {t(`inbox.tab.${name}`)}
              {name === "mentions" ? (
                <span data-testid="count-mentions" className={`rounded-full px-1.5 text-xs ${mentions.data?.unread ? "bg-amber-200 font-semibold text-amber-950" : tab === name ? "bg-white/20" : "bg-slate-200"}`}>
                  <span aria-hidden>{mentions.data?.unread ?? "·"}</span>
                  {mentions.data && <span className="sr-only">{t("inbox.mentions.unread", { count: mentions.data.unread })}</span>}
                </span>
              ) : (
                <span data-testid={`count-${name}`} className={`rounded-full px-1.5 text-xs ${tab === name ? "bg-white/20" : "bg-slate-200"}`}>
                  {counts.data?.[name] ?? "·"}
                </span>
              )}
            </button>
          ))}
        </div>
        <p aria-live="polite" className="sr-only">
          {counts.data ? t("inbox.counts.live", counts.data) : ""}
        </p>

        <div id="conversation-panel" role="tabpanel" aria-labelledby={`tab-${tab}`}>
          {tab === "mentions" && <MentionsList hrefFor={(id) => href({ c: id })} selected={selected} />}
          {tab !== "mentions" && list.isPending && (
            <p className="p-4 text-sm text-slate-600" aria-busy="true">
              {t("inbox.list.loading")}
            </p>
          )}
          {list.data && rows.length === 0 && (
            <p className="p-4 text-sm text-slate-600">{q || Object.keys(filters).length ? t("inbox.list.noMatches") : t("inbox.empty")}</p>
          )}
          <ul aria-label={t(`inbox.tab.${tab}`)} data-testid="conversation-list">
            {rows.map((c) => (
              <li key={c.id}>
                <ConversationRow row={c} href={href({ c: c.id })} selected={selected === c.id} onIntent={prefetchThread} />
              </li>
            ))}
          </ul>
          {list.hasNextPage && (
            <button
              type="button"
              onClick={() => void list.fetchNextPage()}
              disabled={list.isFetchingNextPage}
              className="m-2 rounded border border-slate-300 px-3 py-1.5 text-sm text-slate-700 hover:bg-slate-50 disabled:opacity-60"
            >
              {list.isFetchingNextPage ? t("inbox.list.loading") : t("inbox.list.more")}
            </button>
          )}
        </div>
      </section>
      <section aria-label={t("inbox.title")} className={`${selected ? "" : "hidden md:block"} min-w-0 rounded-lg border border-slate-200 bg-white`}>
        {selected && !hydrated ? (
          <p className="p-6 text-sm text-slate-600" aria-busy="true">
            …
          </p>
        ) : selected ? (
          <ContactPanelLayout key={selected} conversationId={selected} isAdmin={o?.me?.role === "admin"}>
            <Thread key={selected} conversationId={selected} backHref={href({ c: null })} options={o} />
          </ContactPanelLayout>
        ) : (
          <p className="p-6 text-sm text-slate-600">{t("inbox.selectConversation")}</p>
        )}
      </section>
    </div>
  );
}
