"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { HEARTBEAT_MS, IDLE_AWAY_MS, isIdle } from "~/server/realtime/presence";
import { useTRPC } from "../_lib/trpc";
import { useT } from "./providers";
import { useRealtime } from "./realtime";
import { useViewerId } from "./viewer";

/** Every tab writes the last input it saw here, so a person busy in one tab is not idle in another. */
const LAST_ACTIVITY_KEY = "switchboard.lastActivity";
const ACTIVITY_WRITE_MS = 5_000;
const IDLE_CHECK_MS = 30_000;
const ACTIVITY_EVENTS = ["keydown", "pointerdown", "pointermove", "wheel", "touchstart"] as const;

function storedActivity(): number {
  try {
    return Number(localStorage.getItem(LAST_ACTIVITY_KEY)) || 0;
  } catch {
    return 0;
  }
}

/**
 * Online / Away in the nav. Only people online get new conversations from routing. After IDLE_AWAY_MS without
 * input in any tab the person goes Away by themselves, and comes back Online at the next input — unless they chose
 * Away, which only they undo. Signing out makes them Away on the server, and so does closing every tab: each open tab reports in every minute.
 */
export function AvailabilityControl() {
  const t = useT();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const me = useViewerId();
  const state = useQuery(trpc.account.availability.queryOptions());
  const set = useMutation(
    trpc.account.setAvailability.mutationOptions({
      onSuccess: (data) => queryClient.setQueryData(trpc.account.availability.queryKey(), { availability: data.availability, changedAt: data.changedAt, auto: data.auto }),
    }),
  );
  useRealtime((e) => {
    if (e.name === "user.availability_changed" && e.data.userId === me) void queryClient.invalidateQueries({ queryKey: trpc.account.availability.queryKey() });
    if (e.name === "resync") void queryClient.invalidateQueries({ queryKey: trpc.account.availability.queryKey() });
  });

  const availability = state.data?.availability;
  const auto = state.data?.auto ?? false;
  const latest = useRef({ availability, auto, pending: false });
  useEffect(() => {
    latest.current = { availability, auto, pending: set.isPending };
  });
  const mutate = set.mutate;
  const heartbeat = useMutation(
    trpc.account.heartbeat.mutationOptions({
      onSuccess: (data) => queryClient.setQueryData(trpc.account.availability.queryKey(), { availability: data.availability, changedAt: data.changedAt, auto: data.auto }),
    }),
  );
  const beat = heartbeat.mutate;

  // While a tab is open it tells the server every minute that its person is there; a browser closed without
  // signing out goes quiet, and the server stops routing to them (then makes them Away).
  useEffect(() => {
    const report = () => beat();
    const onVisible = () => {
      if (document.visibilityState === "visible") report();
    };
    report();
    const timer = setInterval(report, HEARTBEAT_MS);
    document.addEventListener("visibilitychange", onVisible);
    window.addEventListener("online", report);
    return () => {
      clearInterval(timer);
      document.removeEventListener("visibilitychange", onVisible);
      window.removeEventListener("online", report);
    };
  }, [beat]);

  useEffect(() => {
    let lastLocal = Date.now();
    let lastWritten = 0;
    const write = (at: number) => {
      try {
        localStorage.setItem(LAST_ACTIVITY_KEY, String(at));
      } catch {
        // storage full or refused: this tab's own activity still counts
      }
    };
    write(lastLocal);
    const onActivity = () => {
      const at = Date.now();
      lastLocal = at;
      if (at - lastWritten >= ACTIVITY_WRITE_MS) {
        lastWritten = at;
        write(at);
      }
      const s = latest.current;
      if (s.availability === "away" && s.auto && !s.pending) mutate({ reason: "active", availability: "online" });
    };
    const check = () => {
      const s = latest.current;
      if (s.availability !== "online" || s.pending) return;
      if (isIdle(Math.max(lastLocal, storedActivity()), Date.now(), IDLE_AWAY_MS)) mutate({ reason: "idle", availability: "away" });
    };
    for (const name of ACTIVITY_EVENTS) window.addEventListener(name, onActivity, { passive: true });
    const timer = setInterval(check, IDLE_CHECK_MS);
    return () => {
      for (const name of ACTIVITY_EVENTS) window.removeEventListener(name, onActivity);
      clearInterval(timer);
    };
  }, [mutate]);

  if (!availability) return null;
  return (
    <label className="flex items-center gap-1.5 text-sm text-slate-700" title={t("availability.hint")}>
      <span aria-hidden className={`h-2.5 w-2.5 rounded-full ${availability === "online" ? "bg-green-600" : "bg-slate-400"}`} />
      <span className="sr-only">{t("availability.label")}</span>
      <select
        data-testid="availability"
        value={availability}
        disabled={set.isPending}
        onChange={(e) => set.mutate({ reason: "manual", availability: e.target.value === "away" ? "away" : "online" })}
        className="rounded border border-slate-300 bg-white px-1.5 py-1 text-sm"
      >
        <option value="online">{t("availability.online")}</option>
        <option value="away">{t(auto ? "availability.awayIdle" : "availability.away")}</option>
      </select>
    </label>
  );
}
