import type { Server } from "node:http";
import { stopBackgroundWork } from "../jobs/background-stop";

/** How long a stopping web server waits for the requests in hand before cutting what is left. */
export const REQUEST_GRACE_MS = 10_000;

/**
 * A web server that stops without dropping a request it took: it stops accepting connections at once (a load
 * balancer's next attempt goes to another instance), answers every request in hand — with `Connection: close`, so
 * keep-alive connections end after their answer instead of waiting for the idle timeout — and resolves when the
 * last one is answered, or after `graceMs`, when whatever is left is cut.
 *
 * `handle` wraps the request listener: requests that arrive on an already-open connection while stopping are
 * still served (the client sent them before it could know).
 */
export function gracefulServer() {
  let closing = false;
  return {
    get closing() {
      return closing;
    },
    /** Call first in the request listener. */
    onRequest(res: { setHeader(name: string, value: string): unknown }) {
      if (closing) res.setHeader("connection", "close");
    },
    close(server: Server, graceMs = REQUEST_GRACE_MS): Promise<"drained" | "cut"> {
      closing = true;
      return new Promise((resolve) => {
        const idle = setInterval(() => server.closeIdleConnections(), 100);
        const cut = setTimeout(() => {
          clearInterval(idle);
          server.closeAllConnections();
          resolve("cut");
        }, graceMs);
        // Connections the kernel completed before the signal but this process has not accepted yet (its loop was
        // busy) are reset when the listener closes: accept them first, in this loop turn's poll phase, then close.
        setImmediate(() => {
          server.close(() => {
            clearInterval(idle);
            clearTimeout(cut);
            resolve("drained");
          });
          server.closeIdleConnections();
        });
      });
    },
  };
}

/**
 * SIGTERM for a web instance (a rolling restart): stop accepting, answer the requests in hand (bounded), then let
 * the background work finish what it holds — sends, emails, the ingest batch, pg-boss jobs (each bounded) — then
 * `closeApp`. Acknowledged webhooks are already committed; a reply in flight is recorded as sent rather than left
 * "may not have been delivered". Resolves with how the requests ended.
 */
export async function stopWebInstance(server: Server, graceful: ReturnType<typeof gracefulServer>, closeApp?: () => Promise<void>): Promise<"drained" | "cut"> {
  const requests = await graceful.close(server);
  await stopBackgroundWork();
  await closeApp?.();
  return requests;
}
