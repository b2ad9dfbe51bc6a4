"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { MessageKey } from "~/server/i18n";
import { useT } from "../../../../_components/providers";
import { useTRPC } from "../../../../_lib/trpc";
import { buttonSecondary, useDate } from "./shared";

/**
 * Settings → Channels: webhook events that could not become messages (the ingest dead letter), never silent —
 * how many, why in words, the latest ones, and Retry. Shown only when there are some.
 */
export function DeadLetters() {
  const t = useT();
  const date = useDate();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const letters = useQuery(trpc.ingest.deadLetters.queryOptions({ limit: 5 }));
  const [said, setSaid] = useState<string | null>(null);
  const retry = useMutation(
    trpc.ingest.retry.mutationOptions({
      onSuccess: (r) => {
        setSaid(t("ingest.deadLetters.retried", { count: r.retried }));
        void queryClient.invalidateQueries({ queryKey: trpc.ingest.deadLetters.queryKey() });
      },
      onError: () => setSaid(t("ingest.deadLetters.retryFailed")),
    }),
  );
  const data = letters.data;
  if (!data || data.count + data.followUpCount === 0) return said ? <p role="status" className="text-sm text-slate-700">{said}</p> : null;
  return (
    <section aria-labelledby="dead-letters-heading" className="space-y-2 rounded-lg border border-amber-300 bg-amber-50 p-4">
      <h3 id="dead-letters-heading" className="font-semibold">
        {t("ingest.deadLetters.heading")}
      </h3>
      {data.count > 0 && (
        <>
          <p className="text-sm">{t("ingest.deadLetters.count", { count: data.count })}</p>
          <ul className="list-disc pl-5 text-sm">
            {Object.entries(data.byReason).map(([reason, count]) => (
              <li key={reason}>{t("ingest.deadLetters.byReason", { reason: t(`ingest.reason.${reason}` as MessageKey), count: count ?? 0 })}</li>
            ))}
          </ul>
        </>
      )}
      {data.followUpCount > 0 && (
        <>
          <p className="text-sm">{t("ingest.followUps.count", { count: data.followUpCount })}</p>
          <ul className="list-disc pl-5 text-sm">
            {Object.entries(data.followUps).map(([name, count]) => (
              <li key={name}>{t(`ingest.followUps.${name}` as MessageKey, { count: count ?? 0 })}</li>
            ))}
          </ul>
        </>
      )}
      <ul className="space-y-1 text-sm text-slate-700">
        {data.items.map((i) => (
          <li key={i.id} className="flex flex-wrap items-center gap-2">
            <span className="min-w-0 break-words">{t("ingest.deadLetters.item", { channel: i.channelName ?? i.provider, type: i.eventType, when: date(i.receivedAt) })}</span>
            {i.retryable && (
              <button type="button" className={buttonSecondary} disabled={retry.isPending} onClick={() => retry.mutate({ eventIds: [i.id] })}>
                {t("ingest.deadLetters.retry")}
              </button>
            )}
          </li>
        ))}
      </ul>
      <button type="button" className={buttonSecondary} disabled={retry.isPending} onClick={() => retry.mutate({})}>
        {t("ingest.deadLetters.retryAll")}
      </button>
      <p role="status" className="text-sm text-slate-700">
        {said}
      </p>
    </section>
  );
}
