"use client";
import PusherClient from "pusher-js";
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import type { RealtimeEvent } from "~/server/realtime/channels";
import type { ClientRealtimeConfig } from "~/server/realtime/config";
import { leaveEndedSession } from "../_lib/session-ended";

/** A realtime event, or "resync": the socket (re)connected, so whatever happened meanwhile must be refetched. */
export type LiveSignal = RealtimeEvent | { name: "resync" };
type Listener = (event: LiveSignal) => void;
type Live = "connecting" | "connected" | "offline";
type RealtimeValue = { subscribe(listener: Listener): () => void; state: Live };

const RealtimeContext = createContext<RealtimeValue | null>(null);
const EVENT_NAMES: RealtimeEvent["name"][] = [
  "message.created",
  "message.updated",
  "conversation.updated",
  "conversation.assigned",
  "conversation.status_changed",
  "contact.updated",
  "channel.status_changed",
  "channel.recovery_progress",
];

/**
 * One Pusher connection per tab, subscribed to the company's private channel (F12).
 *
 * The connection depends on the configuration's values, not on the object: the app layout renders again on
 * every navigation and hands over an equal but new object, which used to close a socket that was still
 * opening ("WebSocket is closed before the connection is established"). The socket also opens a tick after
 * mounting, so React's development double mount never starts one only to close it at once; and a socket that
 * is still opening when the provider goes away is closed once it has opened.
 */
export function RealtimeProvider({ config, channel, children }: { config: ClientRealtimeConfig; channel: string; children: ReactNode }) {
  const listeners = useRef(new Set<Listener>());
  const [state, setState] = useState<Live>("connecting");
  const { key, cluster, wsHost, wsPort, forceTLS } = config;

  useEffect(() => {
    let client: PusherClient | null = null;
    let connectedOnce = false;
    const timer = setTimeout(() => {
      client = new PusherClient(key, {
        cluster,
        wsHost,
        wsPort,
        wssPort: wsPort,
        forceTLS,
        enabledTransports: ["ws", "wss"],
        disableStats: true,
        channelAuthorization: { endpoint: "/api/realtime/auth", transport: "ajax" },
        // The socket signs in as this browser's session: sign-out, a password change or a deactivation closes it.
        userAuthentication: { endpoint: "/api/realtime/user-auth", transport: "ajax" },
      });
      client.signin();
      // 4009: the realtime server closed this socket because its session ended (or never signed in).
      client.connection.bind("error", (event: { data?: { code?: number }; error?: { data?: { code?: number } } }) => {
        if ((event.data?.code ?? event.error?.data?.code) === 4009) leaveEndedSession();
      });
      client.connection.bind("state_change", ({ current }: { current: string }) => {
        setState(current === "connected" ? "connected" : current === "connecting" || current === "initialized" ? "connecting" : "offline");
      });
      const sub = client.subscribe(channel);
      // Subscribed (first time or after a reconnect): listeners refetch, since what happened offline is in the database.
      sub.bind("pusher:subscription_succeeded", () => {
        if (connectedOnce) listeners.current.forEach((l) => l({ name: "resync" }));
        connectedOnce = true;
      });
      for (const name of EVENT_NAMES) {
        sub.bind(name, (data: unknown) => listeners.current.forEach((l) => l({ name, data } as RealtimeEvent)));
      }
    }, 0);
    return () => {
      clearTimeout(timer);
      const c = client;
      if (!c) return;
      c.unbind_all();
      c.connection.unbind_all();
      if (c.connection.state === "connecting" || c.connection.state === "initialized") {
        c.connection.bind("connected", () => c.disconnect());
        setTimeout(() => c.disconnect(), 15_000); // never opened: stop retrying in the background
      } else {
        c.unsubscribe(channel);
        c.disconnect();
      }
    };
  }, [key, cluster, wsHost, wsPort, forceTLS, channel]);

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
