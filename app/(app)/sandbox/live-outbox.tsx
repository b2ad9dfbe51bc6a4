"use client";
import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";
import { useRealtime, type LiveSignal } from "../../_components/realtime";

/** Quiet time after the last event before the list is read again, and the longest a busy stream may delay it. */
const DEBOUNCE_MS = 300;
const MAX_WAIT_MS = 2_000;

/**
 * Keeps the sandbox's "what customers received" list live: the list is read on the server from the Telegram
 * fake, so when the company's realtime channel says a message was sent (the send worker publishes
 * `message.updated` with its status) or the socket reconnected, the page's server data is refreshed — debounced,
 * so a burst of sends costs one refresh, and the form's state is kept.
 */
export function LiveOutbox() {
  const router = useRouter();
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const firstPendingAt = useRef<number | null>(null);

  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );

  useRealtime((e: LiveSignal) => {
    if (e.name !== "message.updated" && e.name !== "message.created" && e.name !== "resync") return;
    const now = Date.now();
    firstPendingAt.current ??= now;
    if (timer.current) clearTimeout(timer.current);
    const wait = Math.max(0, Math.min(DEBOUNCE_MS, firstPendingAt.current + MAX_WAIT_MS - now));
    timer.current = setTimeout(() => {
      timer.current = null;
      firstPendingAt.current = null;
      router.refresh();
    }, wait);
  });

  return null;
}
