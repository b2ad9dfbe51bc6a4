import type PgBoss from "pg-boss";
import type { Database } from "../../db";
import { logger } from "../log";
import { deleteExpiredRawEvents } from "../services/events/raw-event-retention";

export const RETENTION_QUEUE = "raw-event-retention";
/** One pass an hour: a backlog a pass could not finish (it stops after a few minutes) goes on at the next. */
export const RETENTION_EVERY_SECONDS = 60 * 60;
/** The first pass after a start waits this long, so it does not compete with the start itself. */
const FIRST_PASS_AFTER_SECONDS = 60;
/** The one key of the queue: its "stately" policy keeps one pass queued and one running across every instance. */
const SINGLETON_KEY = "all";

/**
 * The retention of raw webhook bodies as a durable pg-boss chain: one `raw-event-retention` job at a time across
 * every app instance, each pass scheduling the next an hour later (whatever its outcome). Every start sends one —
 * refused by the queue's policy while a pass is already queued — and a timer does the same every interval, so a
 * chain a crash broke starts again.
 */
export async function startRawEventRetention(
  boss: PgBoss,
  db: Database,
  retentionDays: number,
  opts: { everySeconds?: number; firstAfterSeconds?: number; batchSize?: number; pauseMs?: number } = {},
): Promise<{ schedule(afterSeconds: number): Promise<void>; stop(): void }> {
  const everySeconds = opts.everySeconds ?? RETENTION_EVERY_SECONDS;
  await boss.createQueue(RETENTION_QUEUE, { name: RETENTION_QUEUE, policy: "stately", retryLimit: 0, expireInSeconds: 15 * 60 });

  const schedule = async (afterSeconds: number) => {
    await boss.send(RETENTION_QUEUE, {}, { singletonKey: SINGLETON_KEY, startAfter: afterSeconds });
  };
  const scheduleQuietly = (afterSeconds: number) =>
    schedule(afterSeconds).catch((error: unknown) => logger.warn("retention.schedule_failed", { error: error instanceof Error ? error.name : "unknown" }));

  // Sent before the worker starts, so its first fetch finds a pass already due.
  await scheduleQuietly(opts.firstAfterSeconds ?? FIRST_PASS_AFTER_SECONDS);
  let stopped = false;
  await boss.work(RETENTION_QUEUE, { batchSize: 1, pollingIntervalSeconds: Math.min(30, Math.max(0.5, everySeconds / 10)) }, async () => {
    try {
      const outcome = await deleteExpiredRawEvents(db, { retentionDays, batchSize: opts.batchSize, pauseMs: opts.pauseMs, shouldStop: () => stopped });
      if (outcome.deleted > 0 || !outcome.finished) logger.info("retention.raw_events_deleted", { ...outcome, retentionDays });
    } catch (error) {
      logger.warn("retention.failed", { error: error instanceof Error ? error.name : "unknown" });
    } finally {
      if (!stopped) await scheduleQuietly(everySeconds);
    }
  });

  const timer = setInterval(() => void scheduleQuietly(everySeconds), everySeconds * 1000);
  timer.unref?.();
  return {
    schedule,
    stop: () => {
      stopped = true;
      clearInterval(timer);
    },
  };
}
