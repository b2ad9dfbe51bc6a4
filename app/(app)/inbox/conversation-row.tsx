"use client";
import { useEffect, useRef, useState } from "react";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "~/server/api/root";
import { formatMessageTime, type MessageKey } from "~/server/i18n";
import { useLocale, useT } from "../../_components/providers";
import { useHydrated } from "./hydrated";
import { InboxLink } from "./nav";
import { waitingText } from "./words";

export type InboxRow = inferRouterOutputs<AppRouter>["inbox"]["list"][number];

/** The clock waiting times are counted on: one tick a minute is enough for "Waiting 5 minutes". */
export function useNow(everyMs = 30_000) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(id);
  }, [everyMs]);
  return now;
}

/** How long a pointer rests on a row before its thread is fetched ahead. */
const HOVER_INTENT_MS = 60;

const badge = "rounded px-1.5 py-0.5 text-xs font-medium";

/** One conversation in the list: who, where, the last message, unread, waiting, assignee, and badges in words. */
export function ConversationRow({ row: c, href, selected, onIntent }: { row: InboxRow; href: string; selected: boolean; onIntent?: (id: string, urgent?: boolean) => void }) {
  const t = useT();
  const locale = useLocale();
  const now = useNow();
  // Times are the browser's (its clock and time zone): written once the server-rendered list has hydrated.
  const hydrated = useHydrated();
  // A pointer resting on the row (not one passing over the list), focus, or a press: its thread is fetched ahead.
  const hover = useRef<ReturnType<typeof setTimeout> | null>(null);
  const endHover = () => {
    if (hover.current) clearTimeout(hover.current);
    hover.current = null;
  };
  useEffect(() => endHover, []);
  return (
    <InboxLink
      href={href}
      onPointerEnter={() => {
        endHover();
        hover.current = setTimeout(() => onIntent?.(c.id), HOVER_INTENT_MS);
      }}
      onPointerLeave={endHover}
      onPointerDown={() => onIntent?.(c.id, true)}
      onFocus={() => onIntent?.(c.id)}
      aria-current={selected ? "true" : undefined}
      data-testid="conversation-row"
      className={`block min-w-0 border-b border-slate-100 px-3 py-2 hover:bg-slate-50 focus-visible:bg-slate-50 ${selected ? "bg-blue-50" : ""}`}
    >
      <span className="flex min-w-0 items-center justify-between gap-2">
        <span className={`truncate ${c.unread > 0 ? "font-semibold" : "font-medium"}`}>{c.contactName}</span>
        <span className="shrink-0 text-xs text-slate-500">{hydrated && formatMessageTime(locale, c.lastMessageAt, now)}</span>
      </span>
      <span className="flex min-w-0 items-center gap-2">
        <span className="block min-w-0 flex-1 truncate text-sm text-slate-600">{c.preview}</span>
        {c.unread > 0 && (
          <span className="shrink-0 rounded-full bg-brand-600 px-1.5 text-xs font-semibold text-white" title={c.unread >= 100 ? t("inbox.row.unreadMany") : t("inbox.row.unread", { count: c.unread })}>
            <span aria-hidden>{c.unread >= 100 ? "99+" : c.unread}</span>
            <span className="sr-only">{c.unread >= 100 ? t("inbox.row.unreadMany") : t("inbox.row.unread", { count: c.unread })}</span>
          </span>
        )}
      </span>
      <span className="mt-1 flex flex-wrap gap-x-2 gap-y-0.5 text-xs text-slate-500">
        <span>
          <ProviderIcon provider={c.provider} /> {t(`provider.${c.provider}` as MessageKey)}
        </span>
        <span>· {c.lineName ?? t("inbox.row.noLine")}</span>
        <span>· {c.assigneeName ? t("inbox.row.assignee", { name: c.assigneeName }) : t("inbox.row.unassigned")}</span>
        {hydrated && c.waitingSince && c.status !== "closed" && <span className="text-amber-800">· {waitingText(t, c.waitingSince, now)}</span>}
      </span>
      {(c.handler === "bot" || c.channelStatus !== "active" || c.banned || c.blockedUs) && (
        <span className="mt-1 flex flex-wrap gap-1">
          {c.handler === "bot" && <span className={`${badge} bg-violet-100 text-violet-900`}>{t("inbox.badge.bot")}</span>}
          {c.channelStatus === "disconnected" && <span className={`${badge} bg-red-100 text-red-900`}>{t("inbox.badge.disconnected")}</span>}
          {c.channelStatus === "stopped" && <span className={`${badge} bg-slate-200 text-slate-800`}>{t("inbox.badge.stopped")}</span>}
          {c.banned && <span className={`${badge} bg-red-100 text-red-900`}>{t("inbox.badge.banned")}</span>}
          {c.blockedUs && <span className={`${badge} bg-amber-100 text-amber-900`}>{t("inbox.badge.blocked")}</span>}
        </span>
      )}
    </InboxLink>
  );
}

const ICONS: Record<InboxRow["provider"], { letter: string; color: string }> = {
  telegram: { letter: "T", color: "bg-sky-500" },
  messenger: { letter: "M", color: "bg-blue-600" },
  instagram: { letter: "I", color: "bg-pink-600" },
  vk: { letter: "V", color: "bg-indigo-600" },
};

/** A small coloured mark beside the messenger's name (the name itself is always written out). */
export function ProviderIcon({ provider }: { provider: InboxRow["provider"] }) {
  const icon = ICONS[provider];
  return (
    <span aria-hidden className={`inline-flex h-4 w-4 items-center justify-center rounded-sm text-[10px] font-bold text-white ${icon.color}`}>
      {icon.letter}
    </span>
  );
}
