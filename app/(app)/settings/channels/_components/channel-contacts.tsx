"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useState } from "react";
import { useT } from "../../../../_components/providers";
import { useTRPC } from "../../../../_lib/trpc";
import { buttonSecondary, cardClass, inputClass, useDate, useErrorWords } from "./shared";

/** A channel's customers: search by name or username, pages of 20, ban / unban (F7). */
export function ChannelContacts({ channelId }: { channelId: string }) {
  const t = useT();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const date = useDate();
  const errorWords = useErrorWords();
  const headingId = useId();
  const [search, setSearch] = useState("");
  const [query, setQuery] = useState("");
  const [page, setPage] = useState(1);
  const [message, setMessage] = useState<{ kind: "ok" | "error"; text: string } | null>(null);

  // Search as the admin types, a moment after they stop.
  useEffect(() => {
    const timer = setTimeout(() => {
      setQuery(search.trim());
      setPage(1);
    }, 300);
    return () => clearTimeout(timer);
  }, [search]);

  const contacts = useQuery(trpc.channels.contacts.queryOptions({ channelId, search: query || undefined, page }, { placeholderData: (previous) => previous }));
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.channels.contacts.pathKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.channels.details.pathKey() });
  };
  const ban = useMutation(trpc.channels.banContact.mutationOptions());
  const unban = useMutation(trpc.channels.unbanContact.mutationOptions());
  const pages = contacts.data ? Math.max(1, Math.ceil(contacts.data.total / contacts.data.pageSize)) : 1;

  return (
    <section aria-labelledby={headingId} className={`${cardClass} p-4`}>
      <div className="mb-3 flex flex-wrap items-baseline justify-between gap-2">
        <h3 id={headingId} className="font-semibold">
          {t("channelsAdmin.contacts")}
        </h3>
        {contacts.data && <span className="text-sm text-slate-600">{t("channelsAdmin.contacts.count", { count: contacts.data.total })}</span>}
      </div>
      <p className="mb-2 text-xs text-slate-600">{t("channelsAdmin.contacts.banHint")}</p>
      <label className="block text-sm font-medium">
        <span className="sr-only">{t("channelsAdmin.contacts.search")}</span>
        <input type="search" className={inputClass} placeholder={t("channelsAdmin.contacts.search")} aria-label={t("channelsAdmin.contacts.search")} value={search} onChange={(e) => setSearch(e.target.value)} />
      </label>
      <div role="status" aria-live="polite">
        {message && <p className={`mt-2 rounded p-2 text-sm ${message.kind === "error" ? "bg-red-50 text-red-800" : "bg-green-50 text-green-900"}`}>{message.text}</p>}
      </div>
      {contacts.isPending ? (
        <p className="mt-3 text-sm text-slate-600">{t("channelsAdmin.loading")}</p>
      ) : contacts.isError ? (
        <p role="alert" className="mt-3 text-sm text-red-700">
          {errorWords(contacts.error)}
        </p>
      ) : contacts.data.items.length === 0 ? (
        <p className="mt-3 text-sm text-slate-600">{query ? t("channelsAdmin.contacts.noMatch", { search: query }) : t("channelsAdmin.contacts.empty")}</p>
      ) : (
        <ul className="mt-3 divide-y divide-slate-100" data-testid="channel-contacts">
          {contacts.data.items.map((c) => {
            const banned = Boolean(c.bannedAt);
            const pending = (ban.isPending && ban.variables?.contactId === c.id) || (unban.isPending && unban.variables?.contactId === c.id);
            const toggle = () => {
              setMessage(null);
              const options = {
                onSuccess: () => {
                  setMessage({ kind: "ok" as const, text: t(banned ? "channelsAdmin.contacts.unbannedDone" : "channelsAdmin.contacts.bannedDone", { name: c.displayName }) });
                  refresh();
                },
                onError: (e: unknown) => setMessage({ kind: "error" as const, text: t("channelsAdmin.failed", { reason: errorWords(e) }) }),
              };
              if (banned) unban.mutate({ contactId: c.id }, options);
              else ban.mutate({ contactId: c.id }, options);
            };
            return (
              <li key={c.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                <div className="min-w-0 flex-1">
                  <p className="truncate text-sm font-medium">{c.displayName}</p>
                  <p className="flex flex-wrap gap-x-2 text-xs text-slate-600">
                    {c.username && <span>@{c.username}</span>}
                    {c.chatKind === "group" && <span>{t("channelsAdmin.contacts.group")}</span>}
                    {c.bannedAt && <span className="font-medium text-red-800">⊘ {t("channelsAdmin.contacts.banned", { time: date(c.bannedAt) })}</span>}
                    {c.blockedUsAt && <span>{t("channelsAdmin.contacts.blockedUs")}</span>}
                    {c.endedAt && <span>{t("channelsAdmin.contacts.ended")}</span>}
                  </p>
                </div>
                <button type="button" className={buttonSecondary} disabled={pending} onClick={toggle} aria-label={t(banned ? "channelsAdmin.contacts.unbanOf" : "channelsAdmin.contacts.banOf", { name: c.displayName })}>
                  {banned ? t("channelsAdmin.contacts.unban") : t("channelsAdmin.contacts.ban")}
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {pages > 1 && (
        <nav aria-label={t("channelsAdmin.pagination")} className="mt-3 flex flex-wrap items-center justify-between gap-2 text-sm">
          <button type="button" className={buttonSecondary} disabled={page <= 1} onClick={() => setPage((p) => Math.max(1, p - 1))}>
            {t("channelsAdmin.page.previous")}
          </button>
          <span aria-live="polite">{t("channelsAdmin.page.of", { page, pages })}</span>
          <button type="button" className={buttonSecondary} disabled={page >= pages} onClick={() => setPage((p) => p + 1)}>
            {t("channelsAdmin.page.next")}
          </button>
        </nav>
      )}
    </section>
  );
}
