"use client";
import { useQuery } from "@tanstack/react-query";
import { useId, useState } from "react";
import type { MessageKey } from "~/server/i18n";
import { useT } from "../../../../../_components/providers";
import { useTRPC } from "../../../../../_lib/trpc";
import { buttonSecondary, cardClass } from "../../_components/shared";

/**
 * A Messenger Page's handover diagnostics (F11, seed 002), compact: asked from Facebook on demand — who controls
 * the latest thread, which other apps share the Page, whether Switchboard can pass and take thread control —
 * plus the Inbox app ids and what to do about error #10 / 2018300.
 */
export function HandoverDiagnostics({ channelId, sawError10 }: { channelId: string; sawError10: boolean }) {
  const t = useT();
  const trpc = useTRPC();
  const headingId = useId();
  const [asked, setAsked] = useState(false);
  const diagnosis = useQuery(trpc.metaWizard.handover.queryOptions({ channelId }, { enabled: asked, retry: false }));
  const d = diagnosis.data;
  const owner = (o: NonNullable<Extract<typeof d, { ok: true }>["thread"]>) =>
    o.owner === "us"
      ? t("metaWizard.handover.owner.us")
      : o.owner === "page_inbox"
        ? t("metaWizard.handover.owner.pageInbox")
        : o.owner === "instagram_inbox"
          ? t("metaWizard.handover.owner.igInbox")
          : o.owner === "idle"
            ? t("metaWizard.handover.owner.idle")
            : d?.ok && d.otherApps.some((a) => a.id === o.appId && a.name)
              ? `${d.otherApps.find((a) => a.id === o.appId)!.name} (${o.appId})`
              : t("metaWizard.handover.owner.other", { id: o.appId ?? "" });
  return (
    <section aria-labelledby={headingId} className={`${cardClass} p-4`} data-testid="handover-diagnostics">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 id={headingId} className="font-semibold">
          {t("metaWizard.handover.title")}
        </h3>
        <button type="button" className={buttonSecondary} disabled={diagnosis.isFetching} onClick={() => (asked ? void diagnosis.refetch() : setAsked(true))}>
          {diagnosis.isFetching ? t("metaWizard.handover.checking") : t("metaWizard.handover.check")}
        </button>
      </div>
      <div role="status" aria-live="polite" className="mt-2 space-y-1 text-sm">
        {d?.ok === false && <p className="text-red-800">{t("metaWizard.handover.failed", { reason: t(`metaWizard.result.${d.reason}` as MessageKey) })}</p>}
        {d?.ok && (
          <>
            <p>{d.thread ? t("metaWizard.handover.owner", { name: d.thread.contactName, owner: owner(d.thread) }) : t("metaWizard.handover.noThread")}</p>
            <p>{d.otherApps.length ? t("metaWizard.handover.apps", { names: d.otherApps.map((a) => `${a.name} (${a.id})`).join(", ") }) : t("metaWizard.handover.onlyUs")}</p>
            <p>{t("metaWizard.handover.pass", { answer: d.canPass === "yes" ? t("metaWizard.handover.yes") : t("metaWizard.handover.passIdle") })}</p>
            <p>{t("metaWizard.handover.take", { answer: t("metaWizard.handover.takeDefault") })}</p>
          </>
        )}
      </div>
      <p className="mt-2 text-xs text-slate-600">{t("metaWizard.handover.inboxIds")}</p>
      <details className="mt-2 text-sm" open={sawError10}>
        <summary className="cursor-pointer font-medium">{t("metaWizard.handover.error10")}</summary>
        <p className="mt-1 font-medium">{t("metaWizard.handover.steps")}</p>
        <ol className="list-decimal space-y-0.5 pl-5">
          <li>{t("metaWizard.handover.step1")}</li>
          <li>{t("metaWizard.handover.step2")}</li>
          <li>{t("metaWizard.handover.step3")}</li>
          <li>{t("metaWizard.handover.step4")}</li>
        </ol>
      </details>
    </section>
  );
}
