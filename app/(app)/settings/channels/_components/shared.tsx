"use client";
import { useState } from "react";
import { formatDateTime, reasonKey, type MessageKey } from "~/server/i18n";
import { useLocale, useT } from "../../../../_components/providers";

export type ChannelStatus = "active" | "disconnected" | "stopped";
export type Provider = "telegram" | "messenger" | "instagram" | "vk";
export const PROVIDERS: Provider[] = ["telegram", "messenger", "instagram", "vk"];

export const buttonPrimary = "rounded bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60";
export const buttonSecondary = "rounded border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-50 disabled:opacity-60";
export const inputClass = "w-full rounded border border-slate-300 px-3 py-2 text-sm";
export const cardClass = "rounded-lg border border-slate-200 bg-white";

const badge: Record<ChannelStatus, string> = {
  active: "bg-green-100 text-green-900",
  disconnected: "bg-red-100 text-red-900",
  stopped: "bg-slate-200 text-slate-800",
};

/** Each status has its own shape too, so it never depends on colour alone. */
export function StatusIcon({ status }: { status: ChannelStatus }) {
  const common = { width: 14, height: 14, viewBox: "0 0 16 16", "aria-hidden": true, fill: "none", stroke: "currentColor", strokeWidth: 2 } as const;
  if (status === "active") {
    return (
      <svg {...common}>
        <circle cx="8" cy="8" r="6.5" />
        <path d="M5 8.2l2 2 4-4.2" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
    );
  }
  if (status === "disconnected") {
    return (
      <svg {...common}>
        <path d="M8 1.8L15 14H1z" strokeLinejoin="round" />
        <path d="M8 6.5v3.5M8 12v.1" strokeLinecap="round" />
      </svg>
    );
  }
  return (
    <svg {...common}>
      <circle cx="8" cy="8" r="6.5" />
      <path d="M6.3 5.5v5M9.7 5.5v5" strokeLinecap="round" />
    </svg>
  );
}

/** A new VK community stays stopped until VK's confirmation request arrives: it is waiting, not switched off. */
export const isAwaitingConfirmation = (status: ChannelStatus, reason: string | null | undefined) => status === "stopped" && reason === "awaiting_confirmation";

export function StatusBadge({ status, reason }: { status: ChannelStatus; reason?: string | null }) {
  const t = useT();
  if (isAwaitingConfirmation(status, reason)) {
    return (
      <span className="inline-flex items-center gap-1 rounded bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-900" data-testid="channel-status">
        <svg width={14} height={14} viewBox="0 0 16 16" aria-hidden fill="none" stroke="currentColor" strokeWidth={2}>
          <circle cx="8" cy="8" r="6.5" />
          <path d="M8 4.5V8l2.5 1.5" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
        {t("channelsAdmin.status.awaiting")}
      </span>
    );
  }
  return (
    <span className={`inline-flex items-center gap-1 rounded px-2 py-0.5 text-xs font-medium ${badge[status]}`} data-testid="channel-status">
      <StatusIcon status={status} />
      {t(`channel.status.${status}` as MessageKey)}
    </span>
  );
}

/** The reason in words and since when, for a channel that is not active. */
export function StatusReason({ status, reason, since }: { status: ChannelStatus; reason: string | null; since: Date }) {
  const t = useT();
  const locale = useLocale();
  if (status === "active") return null;
  return (
    <p className="text-xs text-slate-700">
      {t(reasonKey(reason))} {t("channelsAdmin.since", { time: formatDateTime(locale, since) })}
    </p>
  );
}

/** A date in the chosen language (never the browser's), or "never". */
export function useDate() {
  const t = useT();
  const locale = useLocale();
  return (value: Date | string | null | undefined) => (value ? formatDateTime(locale, value) : t("channelsAdmin.never"));
}

/** A refusal from a channels procedure in words: its messageKey from the catalog, or a generic sentence. */
export function useErrorWords() {
  const t = useT();
  return (error: unknown, vars: Record<string, string | number> = {}) => {
    const data = (error as { data?: { messageKey?: string | null; errorId?: string | null } } | null)?.data;
    const key = data?.messageKey;
    if (key) {
      const words = t(key as MessageKey, { id: data.errorId ?? "", ...vars });
      if (words !== key) return words;
    }
    return t("errors.generic");
  };
}

/** A long address shown on one truncated line (the full text in its title), with a copy button. */
export function CopyField({ value, label, testId }: { value: string; label: string; testId?: string }) {
  const t = useT();
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setState("copied");
    } catch {
      setState("failed");
    }
    setTimeout(() => setState("idle"), 4000);
  };
  return (
    <div className="flex min-w-0 items-center gap-2">
      <code className="block min-w-0 flex-1 truncate rounded bg-slate-100 px-2 py-1 text-xs" title={value} data-testid={testId}>
        {value}
      </code>
      <button type="button" onClick={copy} className="shrink-0 rounded border border-slate-300 bg-white px-2 py-1 text-xs font-medium hover:bg-slate-50" aria-label={t("channelsAdmin.copyLabel", { what: label })}>
        {state === "copied" ? t("channelsAdmin.copied") : t("channelsAdmin.copy")}
      </button>
      <span role="status" className="sr-only">
        {state === "copied" ? t("channelsAdmin.copied") : state === "failed" ? t("channelsAdmin.copyFailed") : ""}
      </span>
      {state === "failed" && <span className="text-xs text-red-700">{t("channelsAdmin.copyFailed")}</span>}
    </div>
  );
}

/**
 * The handle shown beside a channel's name, or null: a bot's or account's @username, a VK community's short
 * name — never a Page's name repeated (Pages have no @handle here), nor a handle equal to the name.
 */
export function channelHandle(c: { provider: Provider; name: string; username: string | null }): string | null {
  if (!c.username || c.provider === "messenger") return null;
  const bare = c.username.replace(/^@/, "");
  return bare.toLowerCase() === c.name.replace(/^@/, "").toLowerCase() ? null : `@${bare}`;
}
