import { createHmac } from "node:crypto";
import { env, type Env } from "../env.js";

/**
 * Development credentials for the embedded Pusher-protocol server. They are in the source, so they are
 * never used in production: there the secret is derived from NEXTAUTH_SECRET (see embeddedCredentials).
 */
export const DEVELOPMENT_EMBEDDED_CREDENTIALS = { appId: "switchboard", key: "switchboard-local-key", secret: "switchboard-local-secret" } as const;

export type ServerRealtimeConfig = { appId: string; key: string; secret: string; host?: string; port?: number; useTLS: boolean; cluster: string };
/** What the browser needs; no secret. */
export type ClientRealtimeConfig = { key: string; cluster: string; wsHost?: string; wsPort?: number; forceTLS: boolean };

/**
 * The embedded server's credentials. In production the secret is an HMAC of NEXTAUTH_SECRET: the launcher
 * (which starts the server) and the app (which signs subscriptions and triggers) derive the same value
 * without passing it around, every instance on one configuration agrees, and it appears nowhere in the
 * source. Anyone who could compute it already holds the session secret.
 */
export function embeddedCredentials(e: Pick<Env, "NEXTAUTH_SECRET">, production: boolean): { appId: string; key: string; secret: string } {
  if (!production) return DEVELOPMENT_EMBEDDED_CREDENTIALS;
  if (!e.NEXTAUTH_SECRET) throw new Error("NEXTAUTH_SECRET is required in production: the embedded realtime server's secret is derived from it");
  const secret = createHmac("sha256", e.NEXTAUTH_SECRET).update("switchboard embedded pusher secret v1").digest("base64url");
  return { appId: "switchboard", key: "switchboard-key", secret };
}

/**
 * `production`: whether the app runs as `npm start` does. The launcher passes it (its own NODE_ENV is not
 * production; the app process it spawns is); everywhere else it is the app's NODE_ENV.
 */
export function serverRealtimeConfig(opts: { production?: boolean; env?: Env } = {}): ServerRealtimeConfig {
  const e = opts.env ?? env();
  if (e.pusherConfigured) {
    return { appId: e.PUSHER_APP_ID!, key: e.PUSHER_KEY!, secret: e.PUSHER_SECRET!, host: e.PUSHER_HOST, port: e.PUSHER_PORT, useTLS: e.PUSHER_USE_TLS, cluster: e.PUSHER_CLUSTER };
  }
  const production = opts.production ?? e.NODE_ENV === "production";
  return { ...embeddedCredentials(e, production), host: "127.0.0.1", port: e.EMBEDDED_PUSHER_PORT, useTLS: false, cluster: e.PUSHER_CLUSTER };
}

/** `e`: the configuration to read (tests build one per simulated instance); the process's own by default. */
export function clientRealtimeConfig(e: Env = env()): ClientRealtimeConfig {
  const c = serverRealtimeConfig({ env: e });
  if (e.pusherConfigured) {
    return { key: c.key, cluster: c.cluster, wsHost: c.host, wsPort: c.port, forceTLS: c.useTLS };
  }
  const socket = embeddedSocketUrl(e);
  const tls = socket.protocol === "wss:";
  return { key: c.key, cluster: c.cluster, wsHost: socket.hostname, wsPort: Number(socket.port) || (tls ? 443 : 80), forceTLS: tls };
}

/**
 * Where browsers open the embedded server's socket: EMBEDDED_PUSHER_PUBLIC_URL, or APP_URL's host on
 * EMBEDDED_PUSHER_PORT — over TLS (wss) when the app is https, since an https page may not open ws://.
 */
function embeddedSocketUrl(e: Env): URL {
  if (e.EMBEDDED_PUSHER_PUBLIC_URL) return new URL(e.EMBEDDED_PUSHER_PUBLIC_URL);
  const app = new URL(e.APP_URL);
  return new URL(`${app.protocol === "https:" ? "wss" : "ws"}://${app.hostname}:${e.EMBEDDED_PUSHER_PORT}`);
}

/** The socket origins a page may connect to (the Content-Security-Policy's connect-src). */
export function realtimeConnectSources(): string[] {
  const e = env();
  if (e.pusherConfigured) {
    if (e.PUSHER_HOST) return [`${e.PUSHER_USE_TLS ? "wss" : "ws"}://${e.PUSHER_HOST}${e.PUSHER_PORT ? `:${e.PUSHER_PORT}` : ""}`];
    return [`wss://ws-${e.PUSHER_CLUSTER}.pusher.com`];
  }
  return [embeddedSocketUrl(e).origin.replace(/^http/, "ws")];
}

/**
 * `npm run realtime`: the embedded Pusher-protocol server as a service of its own, shared by every app instance
 * (for self-hosters without Pusher Channels; soketi works the same). It takes the credentials every instance is
 * given — PUSHER_APP_ID, PUSHER_KEY, PUSHER_SECRET — and listens on REALTIME_HOST:REALTIME_PORT; the instances
 * reach it at PUSHER_HOST:PUSHER_PORT (directly, or through a TLS front with PUSHER_USE_TLS). Every socket must
 * sign in as a session, so an ended session's sockets can be closed from any instance.
 */
export function sharedRealtimeServerOptions(e: Env): { appId: string; key: string; secret: string; host: string; port: number; requireSignin: true } {
  if (!e.pusherConfigured) {
    throw new Error(
      "`npm run realtime` needs the credentials every app instance uses: set PUSHER_APP_ID, PUSHER_KEY and PUSHER_SECRET here and on each instance " +
        "(with PUSHER_HOST/PUSHER_PORT pointing at this server and PUSHER_USE_TLS=false unless a TLS front is in between). README: Production topology.",
    );
  }
  return { appId: e.PUSHER_APP_ID!, key: e.PUSHER_KEY!, secret: e.PUSHER_SECRET!, host: e.REALTIME_HOST, port: e.REALTIME_PORT, requireSignin: true };
}
