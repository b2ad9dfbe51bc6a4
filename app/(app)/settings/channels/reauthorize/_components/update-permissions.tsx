"use client";
import { useId } from "react";
import { useT } from "../../../../../_components/providers";
import { buttonPrimary, buttonSecondary } from "../../_components/shared";
import { useStartWizard } from "./use-start-wizard";

/**
 * Messenger / Instagram on the Details page (seed 000): when the connection is lost "Reconnect" stays greyed
 * out with the reason; when it works there is nothing to reconnect and it says so. "Update permissions" opens the
 * re-authorization wizard (resuming an unfinished one).
 */
export function UpdatePermissions({ channelId, disconnected, resultId }: { channelId: string; disconnected: boolean; resultId: string }) {
  const t = useT();
  const reasonId = useId();
  const { start, error } = useStartWizard();
  return (
    <div className="space-y-1">
      <div className="flex flex-wrap items-center gap-2">
        <button
          type="button"
          className={disconnected ? buttonPrimary : buttonSecondary}
          disabled={start.isPending}
          onClick={() => start.mutate({ mode: "reauthorize", channelId })}
        >
          {t("metaWizard.details.update")}
        </button>
        {disconnected && (
          <button type="button" className={buttonSecondary} disabled aria-describedby={`${reasonId} ${resultId}`}>
            {t("channelsAdmin.reconnect")}
          </button>
        )}
      </div>
      {/* Lost: Reconnect waits for fresh permissions. Working: nothing to reconnect, so no greyed-out button. */}
      <p id={reasonId} className="text-xs text-slate-600" data-testid="meta-reconnect-note">
        {disconnected ? t("metaWizard.details.reconnectDisabled") : t("metaWizard.details.working")}
      </p>
      {error && (
        <p role="alert" className="text-sm text-red-700">
          {error}
        </p>
      )}
    </div>
  );
}
