/**
 * The in-process doorbell of the ingest worker: a webhook that stored events rings it, so processing starts at
 * once instead of on a poll tick. Kept apart from the worker so the routes import nothing else.
 */
const globalForWake = globalThis as unknown as { switchboardIngestWake?: () => void };

export function setIngestWake(wake: (() => void) | undefined): void {
  globalForWake.switchboardIngestWake = wake;
}

/** Wakes this process's ingest worker. False when none runs here (the caller processes the events itself). */
export function wakeIngestWorker(): boolean {
  const wake = globalForWake.switchboardIngestWake;
  if (!wake) return false;
  wake();
  return true;
}
