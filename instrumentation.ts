// Starts the background job runner once per Node.js server process (never in the edge runtime or builds).
export async function register() {
  // Next.js inlines NEXT_RUNTIME at build time, which keeps the Node-only job code out of the edge bundle;
  // going through server/env.js here would defeat that.
  // eslint-disable-next-line no-restricted-properties
  if (process.env.NEXT_RUNTIME === "nodejs") {
    // A browser that went away mid-request is not a server error: Next.js's "⨯ Error: aborted" lines are left out.
    const { quietClientAborts } = await import("./server/client-abort");
    quietClientAborts();
    const { startJobRunnerIfEnabled } = await import("./server/jobs/start");
    startJobRunnerIfEnabled();
  }
}

/**
 * A server error while rendering or in a route: logged with the digest the error page shows, so "give your admin
 * this code" finds the details. The answer itself never carries the message or the stack.
 */
export async function onRequestError(error: unknown, request: { path: string; method: string }) {
  // eslint-disable-next-line no-restricted-properties
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // The browser went away mid-request (a navigation, a closed tab): nothing failed on our side.
  const { isClientAbort } = await import("./server/client-abort");
  if (isClientAbort(error)) return;
  const { logger } = await import("./server/log");
  const digest = (error as { digest?: string } | null)?.digest;
  logger.error("request.failed", { path: request.path.split("?")[0], method: request.method, digest, error });
}
