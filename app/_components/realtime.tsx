"use client";
import PusherClient from "pusher-js";
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import type { RealtimeEvent } from "~/server/realtime/channels";
import type { ClientRealtimeConfig } from "~/server/realtime/config";

type Listener = (event: RealtimeEvent) => void;
type Live = "connecting" | "connected" | "offline";
type RealtimeValue = { subscribe(listener: Listener): () => void; state: Live };

const RealtimeContext = createContext<RealtimeValue | null>(null);
const EVENT_NAMES: RealtimeEvent["name"][] = ["message.created", "message.updated", "conversation.updated", "channel.status_changed"];

/** One Pusher connection per tab, subscribed to the company's private channel (F12). */
export function RealtimeProvider({ config, channel, children }: { config: ClientRealtimeConfig; channel: string; children: ReactNode }) {
  const listeners = useRef(new Set<Listener>());
  const [state, setState] = useState<Live>("connecting");

  useEffect(() => {
    const client = new PusherClient(config.key, {
      cluster: config.cluster,
      wsHost: config.wsHost,
      wsPort: config.wsPort,
      wssPort: config.wsPort,
      forceTLS: config.forceTLS,
      enabledTransports: ["ws", "wss"],
      disableStats: true,
      channelAuthorization: { endpoint: "/api/realtime/auth", transport: "ajax" },
    });
    client.connection.bind("state_change", ({ current }: { current: string }) => {
      setState(current === "connected" ? "connected" : current === "connecting" || current === "initialized" ? "connecting" : "offline");
      // After a reconnect, listeners refetch: whatever happened while offline is in the database.
      if (current === "connected") listeners.current.forEach((l) => l({ name: "conversation.updated", data: { conversationId: "*" } }));
    });
    const sub = client.subscribe(channel);
    for (const name of EVENT_NAMES) {
      sub.bind(name, (data: unknown) => listeners.current.forEach((l) => l({ name, data } as RealtimeEvent)));
    }
    return () => {
      client.unsubscribe(channel);
      client.disconnect();
    };
  }, [config, channel]);

  const subscribe = useCallback((listener: Listener) => {
    listeners.current.add(listener);
    return () => {
      listeners.current.delete(listener);
    };
  }, []);
  const value = useMemo<RealtimeValue>(() => ({ subscribe, state }), [subscribe, state]);

  return <RealtimeContext.Provider value={value}>{children}</RealtimeContext.Provider>;
}

export function useRealtime(listener: Listener) {
  const ctx = useContext(RealtimeContext);
  const latest = useRef(listener);
  useEffect(() => {
    latest.current = listener;
  });
  useEffect(() => ctx?.subscribe((e) => latest.current(e)), [ctx]);
}

export function useRealtimeState(): Live {
  return useContext(RealtimeContext)?.state ?? "connecting";
}
