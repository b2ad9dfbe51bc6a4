import { randomUUID } from "node:crypto";
import { createListenClient, db } from "../../db";
import { isDatabaseUnavailable } from "../../db/errors";
import { logger } from "../log";
import { foldInboxCounts } from "../services/conversations/fold-inbox-counts";
import { expirePendingEffects } from "../services/events/pending-effects";
import { runPostCommitJobs, sweepPostCommitJobs, type QueuedJob } from "../services/events/post-commit-jobs";
import { dueStreams, processStreams } from "../services/events/process-inbound-event";
import { INGEST_CHANNEL, ingestNotifier } from "./ingest-notify";
import { setIngestWake } from "../queue/ingest-wake";

/**
 * The ingest worker: turns stored webhook events into messages, strictly in provider order per chat and
 * different chats in parallel, woken the moment a webhook stores something.
 *
 * - A stream is one chat of one channel (inbound_events.order_key). A batch takes up to `streamsPerBatch` due
 *   streams and processes their waiting events, in provider order, in one transaction.
 * - A stream is held by a transaction-scoped advisory lock on its key (pg_try_advisory_xact_lock): another worker
 *   (this process's other lanes, or another app instance on the same database) skips it instead of waiting, and
 *   a crash releases it with the connection. Processing commits with the events' statuses, so there is no lease.
 * - Woken in process by the webhook routes (setIngestWake); on PostgreSQL with a pool of more than one connection
 *   also by LISTEN/NOTIFY, so instances on one database wake each other and the worker can run in a process of
 *   its own (worker-process.ts); and by a short poll for retries that come due (PGlite has one connection and no
 *   second session to LISTEN on: in-process wake plus the poll).
 */

export type IngestWorkerOptions = { concurrency: number; streamsPerBatch: number; maxEvents: number; pollMs: number; listen: boolean };

export function ingestWorkerOptions(poolMax: number, ownProcess = false): IngestWorkerOptions {
  // One connection: short transactions, so acknowledgements queued behind a batch wait little.
  if (poolMax <= 1) return { concurrency: 1, streamsPerBatch: 8, maxEvents: 40, pollMs: 250, listen: false };
  // A process of its own: the pool is the worker's, less the connections for post-commit jobs and housekeeping.
  if (ownProcess) return { concurrency: Math.max(1, Math.min(4, poolMax - 2)), streamsPerBatch: 64, maxEvents: 256, pollMs: 1000, listen: true };
  // Beside the web server: leave most of the pool to acknowledgements; two lanes keep the database busy without
  // starving them.
  return { concurrency: Math.max(1, Math.min(4, Math.floor(poolMax / 4))), streamsPerBatch: 64, maxEvents: 256, pollMs: 1000, listen: true };
}

const HOUSEKEEPING_MS = 5_000;
/** Attachment downloads and profile lookups running at once beside the drains; past this the drains wait. */
const MAX_SLOW_FOLLOW_UPS = 8;
/** How long a stop waits for follow-ups in flight (what is left is durable: the sweep runs it). */
const STOP_WAIT_MS = 5_000;
/** A pass running longer than this is logged once, with the step it waits on (ingest.stalled). */
const STALL_MS = 30_000;
const EXPIRE_EFFECTS_MS = 60 * 60 * 1000;

class IngestWorker {
  private readonly id = randomUUID();
  private readonly active = new Set<string>();
  private running = false;
  private again = false;
  private stopped = false;
  private timer?: NodeJS.Timeout;
  private unlisten?: () => Promise<void>;
  private readonly notifier = ingestNotifier(this.id);
  private lastHousekeeping = 0;
  private lastExpiry = 0;
  private housekeepingRun?: Promise<void>;
  /** Realtime publishes, one after the other in commit order. */
  private publishing: Promise<void> = Promise.resolve();
  /** Downloads and lookups in flight. */
  private readonly slow = new Set<Promise<void>>();
  /** What the current pass waits on, and since when: a pass that never ends says where it stopped. */
  private step: { name: string; since: number; reported: boolean } | undefined;

  private at(name: string): void {
    this.step = { name, since: Date.now(), reported: false };
  }

  private watch(): void {
    const step = this.step;
    if (!this.running || !step || step.reported || Date.now() - step.since < STALL_MS) return;
    step.reported = true;
    logger.warn("ingest.stalled", { step: step.name, seconds: Math.round((Date.now() - step.since) / 1000) });
  }

  constructor(private readonly o: IngestWorkerOptions) {}

  /**
   * A batch's post-commit jobs run beside the drains, never in their way: realtime publishes in commit order (each
   * bounded by its timeout), attachment downloads and profile lookups concurrently, at most MAX_SLOW_FOLLOW_UPS.
   */
  private readonly followUps = (jobs: QueuedJob[]): void => {
    const publish = jobs.filter((j) => j.name === "publish-realtime");
    const rest = jobs.filter((j) => j.name !== "publish-realtime");
    const failed = (error: unknown) => logger.error("ingest.follow_up_failed", { error });
    if (publish.length) this.publishing = this.publishing.then(() => runPostCommitJobs(publish)).catch(failed);
    if (rest.length) {
      const run: Promise<void> = runPostCommitJobs(rest)
        .catch(failed)
        .finally(() => this.slow.delete(run));
      this.slow.add(run);
    }
  };

  private async roomForFollowUps(): Promise<void> {
    while (this.slow.size >= MAX_SLOW_FOLLOW_UPS) await Promise.race(this.slow);
  }

  async start(): Promise<void> {
    setIngestWake(() => this.wake());
    this.timer = setInterval(() => {
      this.watch();
      if (this.listenLost) void this.listen();
      this.kick();
    }, this.o.pollMs);
    this.timer.unref?.();
    if (this.o.listen) await this.listen();
    this.kick();
  }

  /**
   * LISTEN for other instances' rings, kept by the worker itself: when it cannot be set up (the database is away
   * at start) it is tried again on every poll, and after an outage it is set up afresh — postgres.js re-listens
   * once on reconnect and drops the channel silently if that attempt fails. Meanwhile the poll keeps things moving.
   */
  private listening = false;
  private async listen(): Promise<void> {
    if (this.listening || this.stopped) return;
    this.listening = true;
    try {
      await this.unlisten?.().catch(() => undefined);
      const client = createListenClient();
      this.unlisten = () => client.end({ timeout: 1 });
      await client.listen(
        INGEST_CHANNEL,
        (payload) => {
          if (payload !== this.id) this.kick();
        },
        // Each (re)subscription: whatever was rung while not listening is in the tables; look now.
        () => this.kick(),
      );
      if (this.listenLost) logger.info("ingest.listen_restored");
      this.listenLost = false;
    } catch (error) {
      if (!this.listenLost) logger.warn("ingest.listen_failed", { error });
      this.listenLost = true;
    } finally {
      this.listening = false;
    }
  }
  private listenLost = false;
  /** Since when passes fail because the database is away (undefined while it answers). */
  private awaySince: number | undefined;

  /** A pass failed because the database is away: LISTEN is set up again with the next poll that finds it back. */
  private databaseAway(error: unknown): boolean {
    if (!isDatabaseUnavailable(error)) return false;
    if (this.o.listen) this.listenLost = true;
    return true;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.notifier.stop();
    setIngestWake(undefined);
    clearInterval(this.timer);
    await this.unlisten?.().catch(() => undefined);
    await this.housekeepingRun;
    await Promise.race([Promise.allSettled([this.publishing, ...this.slow]), new Promise((resolve) => setTimeout(resolve, STOP_WAIT_MS).unref?.())]);
  }

  /** A webhook stored events: process now, and tell the other instances. */
  wake(): void {
    this.notify();
    this.kick();
  }

  private notify(): void {
    if (this.o.listen) this.notifier.notify();
  }

  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    void this.loop();
  }

  private async loop(): Promise<void> {
    this.running = true;
    let passOk = false;
    try {
      do {
        this.again = false;
        await this.drain();
      } while (this.again && !this.stopped);
      passOk = true;
      // Beside the drains, never in their way: a retried job that takes long must not hold new messages back.
      this.housekeepingRun ??= this.housekeeping()
        .catch((error: unknown) => logger.error("ingest.housekeeping_failed", { error }))
        .finally(() => (this.housekeepingRun = undefined));
    } catch (error) {
      // An outage is logged once by the pool's first failure and again when it ends, not on every poll.
      if (this.databaseAway(error)) {
        if (!this.awaySince) logger.warn("ingest.database_away", { error });
        this.awaySince ??= Date.now();
      } else logger.error("ingest.pass_failed", { error });
    } finally {
      this.running = false;
      this.step = undefined;
    }
    if (this.awaySince && passOk) {
      logger.info("ingest.database_back", { seconds: Math.round((Date.now() - this.awaySince) / 1000) });
      this.awaySince = undefined;
    }
  }

  /** Lanes take batches of streams from a shared list, refilled from the database until nothing is due. */
  private async drain(): Promise<void> {
    const queue: string[] = [];
    let refilling: Promise<number> | undefined;
    const refill = () =>
      (refilling ??= dueStreams(this.o.streamsPerBatch * this.o.concurrency * 2, new Set([...this.active, ...queue]))
        .then((keys) => {
          queue.push(...keys);
          return keys.length;
        })
        .finally(() => (refilling = undefined)));
    const lane = async () => {
      while (!this.stopped) {
        this.at("due streams");
        if (queue.length === 0 && (await refill()) === 0 && queue.length === 0) return;
        const batch = queue.splice(0, this.o.streamsPerBatch);
        if (batch.length === 0) continue;
        for (const k of batch) this.active.add(k);
        try {
          this.at("batch");
          await processStreams(batch, { maxEvents: this.o.maxEvents, followUps: this.followUps });
          this.at("follow-ups");
          await this.roomForFollowUps();
        } finally {
          for (const k of batch) this.active.delete(k);
        }
      }
    };
    await Promise.all(Array.from({ length: this.o.concurrency }, lane));
  }

  private async housekeeping(): Promise<void> {
    const now = Date.now();
    if (now - this.lastHousekeeping < HOUSEKEEPING_MS) return;
    this.lastHousekeeping = now;
    await sweepPostCommitJobs();
    await foldInboxCounts(db);
    if (now - this.lastExpiry > EXPIRE_EFFECTS_MS) {
      this.lastExpiry = now;
      await expirePendingEffects(db);
    }
  }
}

const globalForIngest = globalThis as unknown as { switchboardIngest?: IngestWorker };

export async function startIngestWorker(poolMax: number, overrides: Partial<IngestWorkerOptions> = {}, ownProcess = false): Promise<void> {
  if (globalForIngest.switchboardIngest) return;
  const worker = new IngestWorker({ ...ingestWorkerOptions(poolMax, ownProcess), ...overrides });
  globalForIngest.switchboardIngest = worker;
  await worker.start();
  logger.info("ingest.started", { poolMax, ownProcess });
}

export async function stopIngestWorker(): Promise<void> {
  const worker = globalForIngest.switchboardIngest;
  globalForIngest.switchboardIngest = undefined;
  await worker?.stop();
}
