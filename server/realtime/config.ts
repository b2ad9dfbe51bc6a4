import { env } from "../env.js";

/** Development-only credentials for the embedded Pusher-protocol server (never used when PUSHER_* is set). */
const EMBEDDED = { appId: "switchboard", key: "switchboard-local-key", secret: "switchboard-local-secret" } as const;

export type ServerRealtimeConfig = { appId: string; key: string; secret: string; host?: string; port?: number; useTLS: boolean; cluster: string };
/** What the browser needs; no secret. */
export type ClientRealtimeConfig = { key: string; cluster: string; wsHost?: string; wsPort?: number; forceTLS: boolean };

export function serverRealtimeConfig(): ServerRealtimeConfig {
  const e = env();
  if (e.pusherConfigured) {
    return { appId: e.PUSHER_APP_ID!, key: e.PUSHER_KEY!, secret: e.PUSHER_SECRET!, host: e.PUSHER_HOST, port: e.PUSHER_PORT, useTLS: e.PUSHER_USE_TLS, cluster: e.PUSHER_CLUSTER };
  }
  return { ...EMBEDDED, host: "127.0.0.1", port: e.EMBEDDED_PUSHER_PORT, useTLS: false, cluster: e.PUSHER_CLUSTER };
}

export function clientRealtimeConfig(): ClientRealtimeConfig {
  const c = serverRealtimeConfig();
  const e = env();
  if (e.pusherConfigured) {
    return { key: c.key, cluster: c.cluster, wsHost: c.host, wsPort: c.port, forceTLS: c.useTLS };
  }
  return { key: c.key, cluster: c.cluster, wsHost: new URL(e.APP_URL).hostname, wsPort: c.port, forceTLS: false };
}
