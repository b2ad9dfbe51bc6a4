/**
 * Where the process's background work (queue runner, pg-boss, the in-process ingest worker) leaves its stop: the
 * web server's SIGTERM handler (server/launcher/app-server.ts) reaches it here, through globalThis, because Next.js
 * loads the job modules (instrumentation.ts) as module instances of its own.
 */
const globalForStop = globalThis as unknown as { switchboardStopBackground?: () => Promise<void> };

export function setBackgroundStop(stop: (() => Promise<void>) | undefined): void {
  globalForStop.switchboardStopBackground = stop;
}

/** Stops claiming work and resolves when the work in hand has finished (each part bounded); nothing when none runs. */
export async function stopBackgroundWork(): Promise<void> {
  const stop = globalForStop.switchboardStopBackground;
  globalForStop.switchboardStopBackground = undefined;
  await stop?.();
}
