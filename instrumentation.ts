// Starts the background job runner once per Node.js server process (never in the edge runtime or builds).
export async function register() {
  const { processEnvironment } = await import("./server/env.js");
  if (processEnvironment().NEXT_RUNTIME !== "nodejs") return;
  const { env } = await import("./server/env.js");
  if (!env().JOBS_ENABLED) return;
  const { startJobRunner } = await import("./server/jobs/runner");
  startJobRunner();
}
