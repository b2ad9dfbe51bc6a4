import type PgBoss from "pg-boss";
import type { Database } from "../../db";
import { logger } from "../log";

type RowJobSpec = {
  queue: string;
  /** The job's one field, naming the row's id (kept stable: jobs already queued carry it). */
  idKey: string;
  /** A run that does not end in this long is taken for dead (its process stopped) and retried by pg-boss. */
  expireSeconds: number;
  /** The log events' prefix ("contacts.erasure" → contacts.erasure_job_done, _job_failed, _sweep_failed). */
  logAs: string;
  run: (id: string, deps: { db: Database }) => Promise<Record<string, unknown>>;
  unfinished: (db: Database, opts: { queuedOnly: boolean }) => Promise<string[]>;
  setWake: (wake: ((id: string) => Promise<void>) | undefined) => void;
};

const QUEUED_SWEEP_MS = 3_000;
const ALL_SWEEP_MS = 5 * 60_000;

/**
 * Work kept in a row (a history recovery, a contact erasure) run as durable pg-boss jobs: one job per row (the
 * queue's "stately" policy keeps one queued and one running per row, across every app instance; the job names the
 * row's id only), retried with backoff when a run throws, and expired then retried when its process died mid-run.
 * The row holds the state, so a sweep on start sends a job for every row still queued or running — a restart loses
 * nothing — and `run` is idempotent, so a second run does nothing twice. Rows queued where no runner rang (another
 * instance, a wake that failed) start within seconds; those left running by a process that stopped are sent again
 * every few minutes.
 */
export async function startRowJobs(boss: PgBoss, db: Database, spec: RowJobSpec, opts: { sweep?: boolean } = {}): Promise<{ send(id: string): Promise<void>; stop(): void }> {
  await boss.createQueue(spec.queue, { name: spec.queue, policy: "stately", retryLimit: 5, retryDelay: 5, retryBackoff: true, expireInSeconds: spec.expireSeconds });

  const send = async (id: string) => {
    await boss.send(spec.queue, { [spec.idKey]: id }, { singletonKey: id });
  };

  await boss.work<Record<string, string>>(spec.queue, { batchSize: 1, pollingIntervalSeconds: 1 }, async ([job]) => {
    if (!job) return;
    const id = job.data[spec.idKey]!;
    const started = Date.now();
    try {
      const outcome = await spec.run(id, { db });
      logger.info(`${spec.logAs}_job_done`, { [spec.idKey]: id, ...outcome, ms: Date.now() - started });
    } catch (error) {
      logger.warn(`${spec.logAs}_job_failed`, { [spec.idKey]: id, error: error instanceof Error ? error.name : "unknown" });
      throw error; // pg-boss retries it
    }
  });
  spec.setWake(send);

  const sweep = async (queuedOnly: boolean) => {
    try {
      for (const id of await spec.unfinished(db, { queuedOnly })) await send(id);
    } catch (error) {
      logger.warn(`${spec.logAs}_sweep_failed`, { error: error instanceof Error ? error.name : "unknown" });
    }
  };
  if (opts.sweep !== false) await sweep(false);
  const queued = setInterval(() => void sweep(true), QUEUED_SWEEP_MS);
  const all = setInterval(() => void sweep(false), ALL_SWEEP_MS);
  queued.unref?.();
  all.unref?.();
  return {
    send,
    stop: () => {
      clearInterval(queued);
      clearInterval(all);
      spec.setWake(undefined);
    },
  };
}
