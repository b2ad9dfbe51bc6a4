"use client";
import { useSyncExternalStore } from "react";

const never = () => () => {};

/**
 * False on the server and while the page hydrates, true after: what depends on the browser (its clock and time
 * zone) is written only then, so the server-rendered inbox and the browser's first render agree.
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    never,
    () => true,
    () => false,
  );
}
