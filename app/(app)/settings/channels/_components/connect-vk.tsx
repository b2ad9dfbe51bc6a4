"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import type { MessageKey } from "~/server/i18n";
import { useLocale, useT } from "../../../../_components/providers";
import { useTRPC } from "../../../../_lib/trpc";
import { initialLine, LinePicker, type LineValue } from "./line-picker";
import { buttonPrimary, cardClass, CopyField, inputClass, useDate, useErrorWords } from "./shared";

type Connected = { channelId: string; name: string; webhookUrl: string };

/**
 * Connect a VK community (F8, seed 003): the community ID, the confirmation string, an access token with messages,
 * photos and docs (missing rights are named), the secret key → then the server address to paste in VK with seed
 * 003's steps, and "Confirmed" as soon as VK's confirmation request arrives (realtime, with a short poll as a
 * fallback).
 */
export function ConnectVk() {
  const t = useT();
  const locale = useLocale();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const errorWords = useErrorWords();
  const choices = useQuery(trpc.channels.lineChoices.queryOptions());
  const [form, setForm] = useState({ communityId: "", confirmationCode: "", accessToken: "", secret: "" });
  const [line, setLine] = useState<LineValue | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [connected, setConnected] = useState<Connected | null>(null);
  const connect = useMutation(trpc.channels.connectVk.mutationOptions());
  const lineValue = line ?? (choices.data ? initialLine(choices.data.lines, false) : null);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!lineValue) return;
    setError(null);
    connect.mutate(
      { ...form, line: lineValue },
      {
        onSuccess: (result) => {
          if (result.status === "missing_rights") {
            const rights = new Intl.ListFormat(locale, { type: "conjunction" }).format(result.missing.map((r) => t(`channelsAdmin.vk.right.${r}` as MessageKey)));
            setError(t("channelsAdmin.vk.missingRights", { rights }));
            return;
          }
          void queryClient.invalidateQueries({ queryKey: trpc.channels.pathKey() });
          setConnected(result);
        },
        onError: (err) => setError(errorWords(err)),
      },
    );
  };
  const field = (key: keyof typeof form, type = "text") => (
    <div>
      <label className="block text-sm font-medium">
        {t(`channelsAdmin.vk.${key}` as MessageKey)}
        <input
          type={type}
          className={`mt-1 ${inputClass}`}
          value={form[key]}
          onChange={(e) => setForm((f) => ({ ...f, [key]: e.target.value }))}
          autoComplete="off"
          spellCheck={false}
          required
          aria-describedby={`vk-${key}-hint`}
        />
      </label>
      <p id={`vk-${key}-hint`} className="mt-0.5 text-xs text-slate-600">
        {t(`channelsAdmin.vk.${key}Hint` as MessageKey)}
      </p>
    </div>
  );

  return (
    <section aria-labelledby="connect-vk-heading" className={`${cardClass} max-w-2xl space-y-4 p-4`}>
      <Link href="/settings/channels" className="inline-block text-sm text-brand-600 underline">
        ← {t("channelsAdmin.back")}
      </Link>
      <h2 id="connect-vk-heading" className="text-lg font-semibold">
        {t("channelsAdmin.vk.title")}
      </h2>
      {connected ? (
        <VkConfirmation connected={connected} />
      ) : (
        <>
          <div>
            <h3 className="text-sm font-semibold">{t("channelsAdmin.vk.prepare")}</h3>
            <ol className="mt-1 list-decimal space-y-1 pl-5 text-sm text-slate-700">
              <li>{t("channelsAdmin.vk.prep1")}</li>
              <li>{t("channelsAdmin.vk.prep2")}</li>
              <li>{t("channelsAdmin.vk.prep3")}</li>
            </ol>
          </div>
          <form onSubmit={submit} className="space-y-3">
            {field("communityId")}
            {field("confirmationCode")}
            {field("accessToken", "password")}
            {field("secret", "password")}
            {lineValue && choices.data && <LinePicker lines={choices.data.lines} value={lineValue} onChange={setLine} oneBotPerLine={false} />}
            <div role="alert" data-testid="connect-error">{error && <p className="rounded border border-red-200 bg-red-50 p-3 text-sm text-red-800">{error}</p>}</div>
            <p role="status" aria-live="polite" className="text-sm text-slate-700">
              {connect.isPending ? t("channelsAdmin.vk.checking") : ""}
            </p>
            <button type="submit" className={buttonPrimary} disabled={connect.isPending || !lineValue}>
              {connect.isPending ? t("channelsAdmin.vk.checking") : t("channelsAdmin.vk.submit")}
            </button>
          </form>
        </>
      )}
    </section>
  );
}

function VkConfirmation({ connected }: { connected: Connected }) {
  const t = useT();
  const trpc = useTRPC();
  const date = useDate();
  // Realtime refreshes it the moment VK's request arrives; the poll covers a browser whose live connection is down.
  const details = useQuery(
    trpc.channels.details.queryOptions(
      { channelId: connected.channelId },
      { refetchInterval: (query) => (query.state.data?.vkConfirmedAt || query.state.data?.statusReason === "vk_confirmation_rejected" ? false : 3000) },
    ),
  );
  const confirmedAt = details.data?.vkConfirmedAt;
  // VK read our answer and marked the server failed: the string entered is not the one VK expects.
  const rejected = details.data?.status === "disconnected" && details.data.statusReason === "vk_confirmation_rejected";
  return (
    <div className="space-y-3">
      <p className="text-sm">{t("channelsAdmin.vk.added", { name: connected.name })}</p>
      <ol className="list-decimal space-y-1 pl-5 text-sm text-slate-700">
        <li>{t("channelsAdmin.vk.step1")}</li>
        <li>{t("channelsAdmin.vk.step2")}</li>
        <li>{t("channelsAdmin.vk.step3")}</li>
      </ol>
      <div>
        <span className="text-sm font-medium">{t("channelsAdmin.vk.serverAddress")}</span>
        <CopyField value={connected.webhookUrl} label={t("channelsAdmin.vk.serverAddress")} testId="vk-webhook-url" />
      </div>
      <div role="status" aria-live="polite" data-testid="vk-confirmation">
        {rejected ? (
          <p className="flex items-start gap-2 rounded border border-red-200 bg-red-50 p-3 text-sm text-red-900" data-testid="vk-rejected">
            <span aria-hidden>✗</span> {t("channelsAdmin.vk.rejected", { name: connected.name })}
          </p>
        ) : confirmedAt ? (
          <p className="flex items-center gap-2 rounded border border-green-200 bg-green-50 p-3 text-sm font-medium text-green-900">
            <span aria-hidden>✓</span> {t("channelsAdmin.vk.confirmed", { time: date(confirmedAt) })}
          </p>
        ) : (
          <p className="flex items-center gap-2 rounded border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900">
            <span aria-hidden className="inline-block h-2 w-2 animate-pulse rounded-full bg-amber-500" /> {t("channelsAdmin.vk.waiting")}
          </p>
        )}
      </div>
      <Link href={`/settings/channels/${connected.channelId}`} className="inline-block text-sm text-brand-600 underline">
        {t("channelsAdmin.openDetails")}
      </Link>
    </div>
  );
}
