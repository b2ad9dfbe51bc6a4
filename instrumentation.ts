// Starts the background job runner once per Node.js server process (never in the edge runtime or builds).
export async function register() {
  // Next.js inlines NEXT_RUNTIME at build time, which keeps the Node-only job code out of the edge bundle;
  // going through server/env.js here would defeat that.
  // eslint-disable-next-line no-restricted-properties
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { startJobRunnerIfEnabled } = await import("./server/jobs/start");
    startJobRunnerIfEnabled();
  }
}
