"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useId, useState, type ReactNode } from "react";
import { reasonKey, type MessageKey } from "~/server/i18n";
import { useT } from "../../../../_components/providers";
import { useTRPC } from "../../../../_lib/trpc";
import { ActionResultLine, ChannelMenu, type ActionResult } from "./channel-menu";
import { ChannelContacts } from "./channel-contacts";
import { HandoverDiagnostics } from "../reauthorize/_components/handover-diagnostics";
import { ChannelHealth, ReconnectPanel } from "./channel-health";
import { cardClass, channelHandle, CopyField, StatusBadge, useDate, useErrorWords } from "./shared";

type HistoryRow = { id: string; action: string; detail: Record<string, string | number | boolean | null>; createdAt: Date; actorName: string | null };

const HISTORY_ACTIONS = ["connected", "renamed", "moved", "stopped", "started", "start_refused", "disconnected", "vk_confirmed", "contact_banned", "contact_unbanned", "reconnected", "status_changed"];

function Section({ title, children, className = "" }: { title: string; children: ReactNode; className?: string }) {
  const id = useId();
  return (
    <section aria-labelledby={id} className={`${cardClass} p-4 ${className}`}>
      <h3 id={id} className="mb-3 font-semibold">
        {title}
      </h3>
      {children}
    </section>
  );
}

/** A label and its value: side by side from 640 px, stacked below. */
function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid gap-0.5 py-1.5 sm:grid-cols-[11rem_minmax(0,1fr)] sm:gap-3">
      <dt className="text-sm text-slate-600">{label}</dt>
      <dd className="min-w-0 break-words text-sm">{children}</dd>
    </div>
  );
}

/**
 * A channel's Details page: identity, line, status with its history, true activity, connection dates, the webhook
 * URL, the audit of admin actions, Reconnect and the "⋯" menu, and the channel's contacts. Refreshes live when the
 * channel's status changes (app/_components/live-queries.tsx).
 */
export function ChannelDetails({ channelId }: { channelId: string }) {
  const t = useT();
  const trpc = useTRPC();
  const router = useRouter();
  const date = useDate();
  const errorWords = useErrorWords();
  const [result, setResult] = useState<ActionResult>(null);
  const details = useQuery(trpc.channels.details.queryOptions({ channelId }, { retry: false }));

  if (details.isPending) return <p className="text-sm text-slate-600">{t("channelsAdmin.loading")}</p>;
  if (details.isError) {
    return (
      <div className="space-y-2">
        <BackLink />
        <p role="alert" className="text-sm text-red-700">
          {errorWords(details.error)}
        </p>
      </div>
    );
  }
  const c = details.data;
  const historyWords = (h: HistoryRow) => {
    const d = h.detail;
    const vars: Record<string, string | number> = {};
    for (const [k, v] of Object.entries(d)) if (v !== null && typeof v !== "boolean") vars[k] = v;
    if (h.action === "moved") vars.from = typeof d.from === "string" ? d.from : t("settings.channels.noLine");
    if (h.action === "start_refused") vars.reason = t(reasonKey(typeof d.reason === "string" ? d.reason : null));
    if (h.action === "status_changed" && d.status === "disconnected") return t("health.history.lost", { reason: t(reasonKey(typeof d.reason === "string" ? d.reason : null)) });
    if (h.action === "recovered") return t("health.history.recovered");
    if (HISTORY_ACTIONS.includes(h.action)) return t(`channelsAdmin.history.${h.action}` as MessageKey, vars);
    return t("channelsAdmin.history.other", { action: h.action });
  };

  return (
    <div className="space-y-4">
      <BackLink />
      <div className={`${cardClass} p-4`}>
        <div className="flex flex-wrap items-start justify-between gap-3">
          <div className="min-w-0">
            <p className="text-sm text-slate-600">{t(`provider.${c.provider}` as MessageKey)}</p>
            <h2 className="break-words text-lg font-semibold" data-testid="channel-name">
              {c.name}
            </h2>
            <div className="mt-1 flex flex-wrap items-center gap-2">
              <StatusBadge status={c.status} reason={c.statusReason} />
              {c.status !== "active" && (
                <span className="text-sm text-slate-700">
                  {t(reasonKey(c.statusReason))} {t("channelsAdmin.since", { time: date(c.statusSince) })}
                </span>
              )}
            </div>
          </div>
          <div className="flex shrink-0 items-center gap-2">
            <ChannelMenu
              channel={{ id: c.id, name: c.name, status: c.status, statusReason: c.statusReason, provider: c.provider, lineId: c.line?.id ?? null }}
              onResult={setResult}
              onDeleted={() => router.push("/settings/channels")}
            />
          </div>
        </div>
        {c.status !== "stopped" && (
          <div className="mt-3">
            <ReconnectPanel channel={{ id: c.id, provider: c.provider, status: c.status, statusReason: c.statusReason, username: c.username, name: c.name }} />
          </div>
        )}
        <ActionResultLine result={result} onDismiss={() => setResult(null)} />
      </div>

      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2 [&>*]:min-w-0">
        <Section title={t("channelsAdmin.identity")}>
          <dl>
            <Field label={t(`channelsAdmin.identity.${c.provider}` as MessageKey)}>
              {c.provider === "telegram" ? (
                <>
                  {c.botName ?? c.name} {c.username && <span className="text-slate-600">@{c.username}</span>}
                </>
              ) : (
                <>
                  {c.name} {channelHandle(c) && <span className="text-slate-600">({channelHandle(c)})</span>}
                </>
              )}
            </Field>
            <Field label={t(`channelsAdmin.externalId.${c.provider}` as MessageKey)}>
              <code className="text-xs">{c.externalId}</code>
            </Field>
            {c.clientName && (
              <Field label={t("channelsAdmin.client")}>
                <span data-testid="channel-client">{c.clientName}</span>
              </Field>
            )}
            <Field label={t("channelsAdmin.lineLabel")}>{c.line?.name ?? t("settings.channels.noLine")}</Field>
            {c.provider === "vk" && <Field label={t("channelsAdmin.vkConfirmedAt")}>{c.vkConfirmedAt ? date(c.vkConfirmedAt) : t("channelsAdmin.notYet")}</Field>}
          </dl>
        </Section>

        <Section title={t("channelsAdmin.statusSection")}>
          <dl>
            <Field label={t("channelsAdmin.status.label")}>
              <StatusBadge status={c.status} reason={c.statusReason} /> <span className="text-slate-700">{t("channelsAdmin.since", { time: date(c.statusSince) })}</span>
            </Field>
            {c.status !== "active" && <Field label={t("channelsAdmin.reason")}>{t(reasonKey(c.statusReason))}</Field>}
            {c.openIncident && <Field label={t("health.incidentLabel")}>{t("channelsAdmin.incident", { time: date(c.openIncident.openedAt), count: c.openIncident.errorCount })}</Field>}
            {c.providerError?.description && c.status !== "active" && (
              <Field label="">
                <span className="text-xs text-slate-600">{t("channelsAdmin.providerSaid", { text: `${c.providerError.code ?? ""} ${c.providerError.description}`.trim() })}</span>
              </Field>
            )}
            <Field label={t("channelsAdmin.lastIn")}>{date(c.lastWebhookAt)}</Field>
            <Field label={t("channelsAdmin.lastOut")}>{date(c.lastSendAt)}</Field>
            <Field label={t("channelsAdmin.connectedAt")}>{date(c.connectedAt)}</Field>
            <Field label={t("channelsAdmin.reconnectedAt")}>
              <span data-testid="channel-reconnected-at">{date(c.reconnectedAt)}</span>
            </Field>
          </dl>
        </Section>

        <Section title={t("channelsAdmin.webhookUrl")} className="lg:col-span-2">
          <CopyField value={c.webhookUrl} label={t("channelsAdmin.webhookUrl")} testId="channel-webhook-url" />
        </Section>

        <div className="lg:col-span-2">
          <ChannelHealth channelId={c.id} />
        </div>

        {c.provider === "messenger" && (
          <div className="lg:col-span-2">
            <HandoverDiagnostics channelId={c.id} sawError10={c.statusReason === "thread_owned_elsewhere"} />
          </div>
        )}

        <Section title={t("channelsAdmin.history")} className="lg:col-span-2">
          {c.history.length === 0 ? (
            <p className="text-sm text-slate-600">{t("channelsAdmin.historyEmpty")}</p>
          ) : (
            <ol className="divide-y divide-slate-100" data-testid="channel-history">
              {c.history.map((h) => (
                <li key={h.id} className="flex flex-col gap-0.5 py-2 text-sm sm:flex-row sm:items-baseline sm:justify-between sm:gap-4">
                  <span className="min-w-0 break-words">{historyWords(h)}</span>
                  <span className="shrink-0 text-xs text-slate-600">
                    <time dateTime={new Date(h.createdAt).toISOString()}>{date(h.createdAt)}</time> ·{" "}
                    {h.actorName ? t("channelsAdmin.history.by", { name: h.actorName }) : t("channelsAdmin.history.bySystem")}
                  </span>
                </li>
              ))}
            </ol>
          )}
        </Section>
      </div>

      <ChannelContacts channelId={c.id} />
    </div>
  );
}

function BackLink() {
  const t = useT();
  return (
    <Link href="/settings/channels" className="inline-block text-sm text-brand-600 underline">
      ← {t("channelsAdmin.back")}
    </Link>
  );
}
