"use client";
import { clearAllDrafts } from "./drafts";

let leaving = false;

/**
 * The session ended elsewhere (sign-out in another tab, a password change, a deactivation, "sign out everywhere"):
 * the server refused a request or closed the realtime socket. Go to sign-in, saying why, and come back here after.
 */
export function leaveEndedSession(): void {
  if (leaving || typeof window === "undefined") return;
  leaving = true;
  clearAllDrafts();
  const back = `${window.location.pathname}${window.location.search}`;
  // A full load on purpose: nothing the ended session fetched stays in this tab's memory.
  // eslint-disable-next-line @next/next/no-location-assign-relative-destination
  window.location.assign(`/sign-in?ended=1&callbackUrl=${encodeURIComponent(back)}`);
}

/** A tRPC error that says the caller is not signed in (any more). */
export function isUnauthorized(error: unknown): boolean {
  return (error as { data?: { code?: string } } | null)?.data?.code === "UNAUTHORIZED";
}
