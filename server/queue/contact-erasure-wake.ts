/**
 * The doorbell of the contact-erasure jobs (server/jobs/contact-erasures.ts): a request rings it so the job starts
 * now. The job runner registers itself here once pg-boss has started; with no runner in this process nothing
 * happens, and the queued row is picked up by a runner's sweep within seconds.
 */
import { logger } from "../log";

const globalForWake = globalThis as unknown as { switchboardErasureWake?: (erasureId: string) => Promise<void> };

export function setContactErasureWake(wake: ((erasureId: string) => Promise<void>) | undefined): void {
  globalForWake.switchboardErasureWake = wake;
}

/** Start this erasure now where a runner runs; never throws (the row is durable, a sweep finds it). */
export async function wakeContactErasure(erasureId: string): Promise<void> {
  try {
    await globalForWake.switchboardErasureWake?.(erasureId);
  } catch (error) {
    logger.warn("contacts.erasure_wake_failed", { erasureId, error: error instanceof Error ? error.message : "unknown" });
  }
}
