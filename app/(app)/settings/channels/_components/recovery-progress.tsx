"use client";
import { useQuery } from "@tanstack/react-query";
import { useT } from "../../../../_components/providers";
import { useTRPC } from "../../../../_lib/trpc";

/**
 * The channel's latest history recovery after a reconnect, in words: starting, reading the history, "12 of ~40",
 * or how it ended. Kept live by the realtime event the job publishes as it moves (LiveQueries).
 */
export function RecoveryProgress({ channelId }: { channelId: string }) {
  const t = useT();
  const trpc = useTRPC();
  const recovery = useQuery(trpc.channels.recovery.queryOptions({ channelId }));
  const r = recovery.data;
  if (!r) return null;
  const text =
    r.status === "queued"
      ? t("health.recovery.queued")
      : r.status === "running"
        ? r.found === null
          ? t("health.recovery.reading")
          : t("health.recovery.running", { processed: r.processed, found: r.found })
        : r.status === "done"
          ? t("health.recovery.done", { count: r.recoveredCount })
          : t("health.recovery.failed");
  const busy = r.status === "queued" || r.status === "running";
  return (
    <p
      role="status"
      aria-busy={busy}
      data-testid="recovery-progress"
      data-status={r.status}
      className={`mb-3 rounded border p-2 text-sm ${busy ? "border-sky-200 bg-sky-50 text-sky-900" : r.status === "done" ? "border-green-200 bg-green-50 text-green-900" : "border-amber-200 bg-amber-50 text-amber-900"}`}
    >
      {text}
      {busy && r.found !== null && r.found > 0 && (
        <progress className="mt-1 block h-1.5 w-full" max={r.found} value={r.processed} aria-hidden />
      )}
    </p>
  );
}
