import Pusher from "pusher";
import { logger } from "../log";
import { companyChannel, type RealtimeEvent } from "./channels";
import { serverRealtimeConfig, type ServerRealtimeConfig } from "./config";

let client: Pusher | undefined;
const PUBLISH_TIMEOUT_MS = 5_000;

/** The server SDK as an app instance builds it from its configuration (hosted Pusher, a shared server, or embedded). */
export function createPusherServer(c: ServerRealtimeConfig): Pusher {
  // A bounded request: publishing runs on the ingest worker's path, and the SDK has no timeout of its own, so a
  // server that never answers would otherwise hold every later message back.
  return new Pusher({ appId: c.appId, key: c.key, secret: c.secret, host: c.host, port: c.port ? String(c.port) : undefined, useTLS: c.useTLS, cluster: c.cluster, timeout: PUBLISH_TIMEOUT_MS });
}

export function pusherServer(): Pusher {
  client ??= createPusherServer(serverRealtimeConfig());
  return client;
}

/**
 * Publishes after commit. Realtime is a notification, not the record: the data is already in Postgres and
 * clients refetch on reconnect, so a failed publish is logged and never fails the caller.
 */
export async function publishToCompany(companyId: string, events: RealtimeEvent[]): Promise<void> {
  if (events.length === 0) return;
  const channel = companyChannel(companyId);
  try {
    await pusherServer().triggerBatch(events.map((e) => ({ channel, name: e.name, data: e.data })));
  } catch (error) {
    logger.warn("realtime.publish_failed", { companyId, events: events.map((e) => e.name).join(","), error });
  }
}

/**
 * Closes the realtime sockets of sessions that ended (sign-out, password change, deactivation): each browser
 * signs its socket in as its session (Pusher user authentication), and Pusher's terminate-connections closes
 * them, on hosted Pusher and on the embedded server alike. Best effort with a deadline: the session is already
 * refused by every request and every new subscription.
 */
export async function terminateSessionSockets(sessionIds: string[]): Promise<void> {
  await Promise.all(
    sessionIds.map((id) =>
      pusherServer()
        .terminateUserConnections(id)
        .catch((error: unknown) => logger.warn("realtime.terminate_failed", { sessionId: id, error })),
    ),
  );
}
