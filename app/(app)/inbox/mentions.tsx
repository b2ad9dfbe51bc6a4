"use client";
import { useInfiniteQuery } from "@tanstack/react-query";
import { formatMessageTime, type MessageKey } from "~/server/i18n";
import { useLocale, useT } from "../../_components/providers";
import { useTRPC } from "../../_lib/trpc";
import { ProviderIcon, useNow } from "./conversation-row";
import { InboxLink } from "./nav";

const PAGE = 30;

/**
 * The Mentions tab: notes that @mention the reader, newest first, unread ones marked in words. Opening one opens its
 * conversation beside the list, which reads the mentions in it (inbox.markRead).
 */
export function MentionsList({ hrefFor, selected }: { hrefFor: (conversationId: string) => string; selected: string | null }) {
  const t = useT();
  const locale = useLocale();
  const trpc = useTRPC();
  const now = useNow();
  const list = useInfiniteQuery(
    trpc.inbox.notes.mentions.infiniteQueryOptions({ limit: PAGE }, { getNextPageParam: (last) => (last.length === PAGE ? last[last.length - 1]!.cursor : undefined) }),
  );
  const rows = list.data?.pages.flat() ?? [];
  if (list.isPending) {
    return (
      <p className="p-4 text-sm text-slate-600" aria-busy="true">
        {t("inbox.list.loading")}
      </p>
    );
  }
  return (
    <>
      {rows.length === 0 && <p className="p-4 text-sm text-slate-600">{t("inbox.mentions.empty")}</p>}
      <ul aria-label={t("inbox.tab.mentions")} data-testid="mention-list">
        {rows.map((m) => (
          <li key={m.id}>
            <InboxLink
              href={hrefFor(m.conversationId)}
              aria-current={selected === m.conversationId ? "true" : undefined}
              data-testid="mention-row"
              className={`block min-w-0 border-b border-slate-100 px-3 py-2 hover:bg-slate-50 focus-visible:bg-slate-50 ${selected === m.conversationId ? "bg-blue-50" : ""}`}
            >
              <span className="flex min-w-0 items-center justify-between gap-2">
                <span className={`truncate ${m.unread ? "font-semibold" : "font-medium"}`}>{t("inbox.mentions.by", { name: m.authorName ?? "—" })}</span>
                <span className="shrink-0 text-xs text-slate-500">{formatMessageTime(locale, m.createdAt, now)}</span>
              </span>
              <span className="line-clamp-2 break-words text-sm text-slate-700">{m.text}</span>
              <span className="mt-1 flex flex-wrap items-center gap-x-2 text-xs text-slate-500">
                <span>
                  <ProviderIcon provider={m.provider} /> {t("inbox.mentions.in", { contact: m.contactName, channel: `${t(`provider.${m.provider}` as MessageKey)} · ${m.channelName}` })}
                </span>
                {m.unread && <span className="rounded bg-amber-100 px-1.5 py-0.5 font-medium text-amber-900">{t("inbox.mentions.new")}</span>}
              </span>
            </InboxLink>
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
          {list.isFetchingNextPage ? t("inbox.list.loading") : t("inbox.mentions.more")}
        </button>
      )}
    </>
  );
}
