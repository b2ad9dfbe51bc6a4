"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import type { MessageKey } from "~/server/i18n";
import { useT } from "../../../../_components/providers";
import { useTRPC } from "../../../../_lib/trpc";
import { ActionResultLine, ChannelMenu, type ActionResult } from "./channel-menu";
import { STATUS_FILTERS, type StatusFilter } from "./status-filter";
import { cardClass, channelHandle, CopyField, isAwaitingConfirmation, PROVIDERS, StatusBadge, StatusReason, useDate, type ChannelStatus } from "./shared";

/** Stopped channels are hidden by default, except a new VK community waiting for VK's confirmation: it needs the admin. */
const shows = (filter: StatusFilter, c: { status: ChannelStatus; statusReason: string | null }) =>
  filter === "all" ? true : filter === "default" ? c.status !== "stopped" || isAwaitingConfirmation(c.status, c.statusReason) : c.status === filter;

/**
 * Settings → Channels: every channel grouped by messenger, its status in words and an icon, the reason and since
 * when. Stopped channels are hidden by default and shown by the status filter (F4, seed 000). Cards stack at any
 * width: no table to scroll sideways; long webhook URLs are truncated with a copy button.
 */
export function ChannelsList({ filter }: { filter: StatusFilter }) {
  const t = useT();
  const trpc = useTRPC();
  const list = useQuery(trpc.channels.list.queryOptions({ includeStopped: true }));
  const rows = list.data ?? [];
  const visible = rows.filter((c) => shows(filter, c));
  const hiddenStopped = filter === "default" ? rows.filter((c) => !shows(filter, c)).length : 0;
  // One place for action results: a channel that leaves the filter (stopped, started) still has its result read.
  const [result, setResult] = useState<ActionResult>(null);

  return (
    <div className="space-y-4">
      <nav aria-label={t("channelsAdmin.status.label")} className="flex flex-wrap gap-2 text-sm">
        <span className="sr-only">{t("channelsAdmin.status.label")}</span>
        {STATUS_FILTERS.map((f) => (
          <Link
            key={f}
            href={f === "default" ? "/settings/channels" : `/settings/channels?status=${f}`}
            aria-current={filter === f ? "page" : undefined}
            className={`rounded-full border px-3 py-1 ${filter === f ? "border-brand-600 bg-brand-600 text-white" : "border-slate-300 bg-white text-slate-800 hover:bg-slate-50"}`}
          >
            {t(`channelsAdmin.filter.${f}` as MessageKey)}
          </Link>
        ))}
      </nav>
      <ActionResultLine result={result} onDismiss={() => setResult(null)} />
      {hiddenStopped > 0 && (
        <p className="text-sm text-slate-600">
          {t("channelsAdmin.hiddenStopped", { count: hiddenStopped })}{" "}
          <Link href="/settings/channels?status=stopped" className="text-brand-600 underline">
            {t("channelsAdmin.showStopped")}
          </Link>
        </p>
      )}
      {list.isPending ? (
        <p className="text-sm text-slate-600">{t("channelsAdmin.loading")}</p>
      ) : list.isError ? (
        <p role="alert" className="text-sm text-red-700">
          {t("channelsAdmin.loadFailed")}
        </p>
      ) : rows.length === 0 ? (
        <p className="text-sm text-slate-600">{t("settings.channels.empty")}</p>
      ) : visible.length === 0 ? (
        <p className="text-sm text-slate-600">{t("channelsAdmin.emptyFilter")}</p>
      ) : (
        PROVIDERS.map((provider) => {
          const group = visible.filter((c) => c.provider === provider);
          if (group.length === 0) return null;
          return (
            <section key={provider} aria-labelledby={`group-${provider}`} className={cardClass} data-testid={`channel-group-${provider}`}>
              <h3 id={`group-${provider}`} className="flex flex-wrap items-baseline gap-2 border-b border-slate-200 px-4 py-2 font-semibold">
                {t(`provider.${provider}` as MessageKey)}
                <span className="text-sm font-normal text-slate-600">{t("channelsAdmin.groupCount", { count: group.length })}</span>
              </h3>
              <ul className="divide-y divide-slate-100">
                {group.map((c) => (
                  <ChannelCard key={c.id} channel={c} onResult={setResult} />
                ))}
              </ul>
            </section>
          );
        })
      )}
    </div>
  );
}

type Row = {
  id: string;
  name: string;
  provider: "telegram" | "messenger" | "instagram" | "vk";
  status: ChannelStatus;
  statusReason: string | null;
  statusSince: Date;
  lineId: string | null;
  lineName: string | null;
  username: string | null;
  lastWebhookAt: Date | null;
  lastSendAt: Date | null;
  webhookUrl: string;
};

function ChannelCard({ channel: c, onResult }: { channel: Row; onResult: (result: ActionResult) => void }) {
  const t = useT();
  const date = useDate();
  return (
    <li className="px-4 py-3" data-testid="channel-row">
      <div className="flex items-start justify-between gap-3">
        <div className="min-w-0 flex-1 space-y-1">
          <h4 className="break-words font-medium">
            <Link href={`/settings/channels/${c.id}`} className="hover:underline">
              {c.name}
            </Link>
          </h4>
          {/* Wraps rather than truncates at 390 px: two bots on lines "Pre-sales" and "Presents" stay apart. */}
          <p className="break-words text-sm text-slate-600">
            {channelHandle(c) ? `${channelHandle(c)} · ` : ""}
            {c.lineName ? t("channelsAdmin.lineOf", { line: c.lineName }) : t("settings.channels.noLine")}
          </p>
          <div className="flex flex-wrap items-center gap-2">
            <StatusBadge status={c.status} reason={c.statusReason} />
          </div>
          <StatusReason status={c.status} reason={c.statusReason} since={c.statusSince} />
          <p className="text-xs text-slate-600">
            {t("settings.channels.lastWebhook", { time: date(c.lastWebhookAt) })} · {t("settings.channels.lastSend", { time: date(c.lastSendAt) })}
          </p>
        </div>
        <div className="flex shrink-0 items-center gap-2">
          <Link href={`/settings/channels/${c.id}`} className="rounded border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-50" aria-label={t("channelsAdmin.detailsOf", { name: c.name })}>
            {t("channelsAdmin.details")}
          </Link>
          <ChannelMenu channel={c} onResult={onResult} />
        </div>
      </div>
      <div className="mt-2">
        <span className="text-xs font-medium text-slate-700">{t("channelsAdmin.webhookUrl")}</span>
        <CopyField value={c.webhookUrl} label={t("channelsAdmin.webhookUrl")} />
      </div>
    </li>
  );
}
