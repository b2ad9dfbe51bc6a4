/**
 * The doorbell of a durable row job (server/jobs/row-jobs.ts): whoever queues a row rings it so the job starts now.
 * The job runner registers itself here once pg-boss has started; with no runner in this process nothing happens,
 * and the queued row is picked up by a runner's sweep within seconds.
 */
import { logger } from "../log";

type Wake = (id: string) => Promise<void>;
const globalForWake = globalThis as unknown as { switchboardRowJobWakes?: Map<string, Wake> };
const wakes = (globalForWake.switchboardRowJobWakes ??= new Map());

export function rowJobWake(queue: string, failedEvent: string) {
  return {
    set(wake: Wake | undefined): void {
      if (wake) wakes.set(queue, wake);
      else wakes.delete(queue);
    },
    /** Start this row's job now where a runner runs; never throws (the row is durable, a sweep finds it). */
    async ring(id: string): Promise<void> {
      try {
        await wakes.get(queue)?.(id);
      } catch (error) {
        logger.warn(failedEvent, { id, error: error instanceof Error ? error.message : "unknown" });
      }
    },
  };
}
