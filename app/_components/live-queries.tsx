"use client";
import { useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "../_lib/trpc";
import { useRealtime } from "./realtime";

/**
 * Keeps every cached inbox and channel query fresh from the company's realtime channel, on every page: an
 * event that arrives while the inbox is not on screen still marks its data stale for when it returns.
 */
export function LiveQueries() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  useRealtime((e) => {
    void queryClient.invalidateQueries({ queryKey: trpc.inbox.pathKey() });
    if (e.name === "channel.status_changed" || e.data.conversationId === "*") {
      void queryClient.invalidateQueries({ queryKey: trpc.channels.pathKey() });
    }
  });
  return null;
}
