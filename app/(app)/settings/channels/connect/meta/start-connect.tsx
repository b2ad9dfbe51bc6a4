"use client";
import { useId } from "react";
import { useT } from "../../../../../_components/providers";
import { buttonPrimary } from "../../_components/shared";
import { useStartWizard } from "../../reauthorize/_components/use-start-wizard";

/** "Connect with Facebook": a first connection goes through the same wizard as a re-authorization. */
export function StartMetaConnect({ configured }: { configured: boolean }) {
  const t = useT();
  const noteId = useId();
  const { start, error } = useStartWizard();
  return (
    <div className="space-y-2">
      {!configured && (
        <p id={noteId} role="note" className="rounded border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900" data-testid="meta-availability">
          {t("channelsAdmin.meta.notConfigured")}
        </p>
      )}
      <button type="button" className={buttonPrimary} disabled={!configured || start.isPending} aria-describedby={configured ? undefined : noteId} onClick={() => start.mutate({ mode: "connect" })}>
        {t("metaWizard.connectPage.start")}
      </button>
      {error && (
        <p role="alert" className="text-sm text-red-700">
          {error}
        </p>
      )}
    </div>
  );
}
