/**
 * The in-process doorbell of the job runner (sends and emails): whoever queues a reply or an email rings it, so
 * the work starts at once instead of at the next tick. The runner registers itself here when it starts; callers
 * (services, routes) import only this, never the runner.
 */
const globalForKick = globalThis as unknown as { switchboardJobKick?: () => void };

export function setJobKick(kick: (() => void) | undefined): void {
  globalForKick.switchboardJobKick = kick;
}

/** Work now (after a reply or an email is queued) instead of at the next tick. Nothing when no runner runs here. */
export function kickJobs(): void {
  globalForKick.switchboardJobKick?.();
}
