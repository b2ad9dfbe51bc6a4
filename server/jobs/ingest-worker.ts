import { randomUUID } from "node:crypto";
import { databaseClient, db } from "../../db";
import { logger } from "../log";
import { foldInboxCounts } from "../services/conversations/fold-inbox-counts";
import { expirePendingEffects } from "../services/events/pending-effects";
import { sweepPostCommitJobs } from "../services/events/post-commit-jobs";
import { dueStreams, processStreams } from "../services/events/process-inbound-event";
import { INGEST_CHANNEL, ingestNotifier } from "./ingest-notify";
import { setIngestWake } from "./ingest-wake";

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

  constructor(private readonly o: IngestWorkerOptions) {}

  async start(): Promise<void> {
    setIngestWake(() => this.wake());
    this.timer = setInterval(() => this.kick(), this.o.pollMs);
    this.timer.unref?.();
    if (this.o.listen) {
      try {
        const sub = await databaseClient().listen(INGEST_CHANNEL, (payload) => {
          if (payload !== this.id) this.kick();
        });
        this.unlisten = () => sub.unlisten();
      } catch (error) {
        logger.warn("ingest.listen_failed", { error });
      }
    }
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.notifier.stop();
    setIngestWake(undefined);
    clearInterval(this.timer);
    await this.unlisten?.().catch(() => undefined);
    await this.housekeepingRun;
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
    try {
      do {
        this.again = false;
        await this.drain();
      } while (this.again && !this.stopped);
      // Beside the drains, never in their way: a retried job that takes long must not hold new messages back.
      this.housekeepingRun ??= this.housekeeping()
        .catch((error: unknown) => logger.error("ingest.housekeeping_failed", { error }))
        .finally(() => (this.housekeepingRun = undefined));
    } catch (error) {
      logger.error("ingest.pass_failed", { error });
    } finally {
      this.running = false;
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
        if (queue.length === 0 && (await refill()) === 0 && queue.length === 0) return;
        const batch = queue.splice(0, this.o.streamsPerBatch);
        if (batch.length === 0) continue;
        for (const k of batch) this.active.add(k);
        try {
          await processStreams(batch, { maxEvents: this.o.maxEvents });
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
