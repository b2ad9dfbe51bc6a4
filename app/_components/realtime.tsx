"use client";
import PusherClient from "pusher-js";
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, useSyncExternalStore, type ReactNode } from "react";
import type { RealtimeEvent } from "~/server/realtime/channels";
import type { ClientRealtimeConfig } from "~/server/realtime/config";
import { leaveEndedSession } from "../_lib/session-ended";

/** A realtime event, or "resync": the socket (re)connected, so whatever happened meanwhile must be refetched. */
export type LiveSignal = RealtimeEvent | { name: "resync" };
type Listener = (event: LiveSignal) => void;
/** The socket's state, or "no_network": the browser itself is offline (navigator.onLine), whatever the socket believes. */
export type Live = "connecting" | "connected" | "offline" | "no_network";
type RealtimeValue = { subscribe(listener: Listener): () => void; state: Live; client: PusherClient | null };

const RealtimeContext = createContext<RealtimeValue | null>(null);
/** The browser's online / offline events, for useSyncExternalStore over navigator.onLine. */
function onNetworkChange(notify: () => void) {
  window.addEventListener("online", notify);
  window.addEventListener("offline", notify);
  return () => {
    window.removeEventListener("online", notify);
    window.removeEventListener("offline", notify);
  };
}

/**
 * While the socket is not connected (and the browser is online), a fresh attempt every 3–5 s (spread, so that many
 * browsers do not knock at once on a realtime server that restarts) instead of pusher-js' backoff of up to 45 s.
 */
const reconnectDelayMs = () => 3_000 + Math.random() * 2_000;
const EVENT_NAMES: RealtimeEvent["name"][] = [
  "message.created",
  "message.updated",
  "conversation.updated",
  "mention.created",
  "conversation.assigned",
  "conversation.status_changed",
  "contact.updated",
  "channel.status_changed",
  "channel.recovery_progress",
  "conversation.created",
  "user.availability_changed",
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
  const [socket, setSocket] = useState<Exclude<Live, "no_network">>("connecting");
  const online = useSyncExternalStore(onNetworkChange, () => navigator.onLine, () => true);
  const everConnected = useRef(false);
  const [waitedLong, setWaitedLong] = useState(false);
  const clientRef = useRef<PusherClient | null>(null);
  // The same client, as state: a conversation's presence channel subscribes on it (useRealtimeClient).
  const [client, setClient] = useState<PusherClient | null>(null);
  const { key, cluster, wsHost, wsPort, forceTLS } = config;
  const resync = useCallback(() => listeners.current.forEach((l) => l({ name: "resync" })), []);

  useEffect(() => {
    let client: PusherClient | null = null;
    const timer = setTimeout(() => {
      client = new PusherClient(key, {
        cluster,
        wsHost,
        wsPort,
        wssPort: wsPort,
        forceTLS,
        enabledTransports: ["ws", "wss"],
        disableStats: true,
        // A socket that went silent (the network dropped without closing it) is noticed within ~30 s, not 2.5 minutes.
        activityTimeout: 25_000,
        pongTimeout: 5_000,
        channelAuthorization: { endpoint: "/api/realtime/auth", transport: "ajax" },
        // The socket signs in as this browser's session: sign-out, a password change or a deactivation closes it.
        userAuthentication: { endpoint: "/api/realtime/user-auth", transport: "ajax" },
      });
      clientRef.current = client;
      setClient(client);
      client.signin();
      // 4009: the realtime server closed this socket because its session ended (or never signed in).
      client.connection.bind("error", (event: { data?: { code?: number }; error?: { data?: { code?: number } } }) => {
        if ((event.data?.code ?? event.error?.data?.code) === 4009) leaveEndedSession();
      });
      // "Live" only once the company's channel is subscribed: a connected socket hears nothing before that.
      client.connection.bind("state_change", ({ current }: { current: string }) => {
        setSocket(current === "connected" || current === "connecting" || current === "initialized" ? "connecting" : "offline");
      });
      const sub = client.subscribe(channel);
      // Subscribed (first time or after a reconnect): listeners refetch, since what happened meanwhile is in the
      // database — after a reconnect, and the first time too: the page's first fetch came before the subscription.
      sub.bind("pusher:subscription_succeeded", () => {
        everConnected.current = true;
        setWaitedLong(false);
        setSocket("connected");
        listeners.current.forEach((l) => l({ name: "resync" }));
      });
      for (const name of EVENT_NAMES) {
        sub.bind(name, (data: unknown) => listeners.current.forEach((l) => l({ name, data } as RealtimeEvent)));
      }
    }, 0);
    return () => {
      clearTimeout(timer);
      const c = client;
      if (clientRef.current === c) clientRef.current = null;
      setClient(null);
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

  // The browser's own word on the network, at once: "offline" is shown the moment it happens; "online" opens a fresh
  // socket (the old one is likely dead, and pusher-js would wait out its backoff) and refetches right away.
  useEffect(() => {
    const up = () => {
      const c = clientRef.current;
      if (c) {
        c.disconnect();
        c.connect();
      }
      resync();
    };
    window.addEventListener("online", up);
    return () => window.removeEventListener("online", up);
  }, [resync]);

  // The socket down while the network is up (the realtime server restarting, a proxy dropping it): try again every few
  // seconds, so the inbox is live again (and resyncs) soon after it can be.
  useEffect(() => {
    if (socket === "connected" || !online) return;
    let retry: ReturnType<typeof setTimeout>;
    const again = () => {
      retry = setTimeout(() => {
        const c = clientRef.current;
        if (c && c.connection.state !== "connected") {
          c.disconnect();
          c.connect();
        }
        again();
      }, reconnectDelayMs());
    };
    again();
    return () => clearTimeout(retry);
  }, [socket, online]);

  // Words that stay put while the retries come and go: "Connecting…" at first (for up to 10 s), "Reconnecting — the
  // inbox refreshes every 10 seconds" once the socket dropped or took that long (LiveQueries polls meanwhile).
  const connected = socket === "connected";
  useEffect(() => {
    if (connected) return;
    const id = setTimeout(() => setWaitedLong(true), everConnected.current ? 0 : 10_000);
    return () => clearTimeout(id);
  }, [connected]);
  const state: Live = !online ? "no_network" : connected ? "connected" : waitedLong ? "offline" : "connecting";
  const subscribe = useCallback((listener: Listener) => {
    listeners.current.add(listener);
    return () => {
      listeners.current.delete(listener);
    };
  }, []);
  const value = useMemo<RealtimeValue>(() => ({ subscribe, state, client }), [subscribe, state, client]);

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

/** The tab's Pusher client once it exists (null before, and on the server): for presence channels of its own. */
export function useRealtimeClient(): PusherClient | null {
  return useContext(RealtimeContext)?.client ?? null;
}
