import type PgBoss from "pg-boss";
import { databaseClient, db } from "../../db";
import { env } from "../env.js";
import { logger } from "../log";
import { createBoss } from "./boss";
import { ingestNotifier } from "./ingest-notify";
import { setIngestWake } from "../queue/ingest-wake";
import { setBackgroundStop } from "./background-stop";
import { startIngestWorker, stopIngestWorker } from "./ingest-worker";
import { startContactErasures } from "./contact-erasures";
import { startHistoryRecoveries } from "./history-recoveries";
import { startProbeScheduler } from "./probes";
import { startObjectDeletions } from "./file-object-deletions";
import { startAvailabilitySweep } from "./availability-sweep";
import { startRawEventRetention } from "./raw-event-retention";
import { startJobRunner, stopJobRunner } from "./runner";

const globalForBoss = globalThis as unknown as { switchboardBoss?: Promise<PgBoss | undefined> };
/** How long stopping waits for pg-boss jobs in hand (an erasure, a recovery): an unfinished one is retried elsewhere. */
const BOSS_STOP_MS = 15_000;

/**
 * Background work in the app process: the ingest worker (webhook events in provider order) unless it runs in a
 * process of its own (INGEST_WORKER=process: the webhook routes then ring it through NOTIFY), the queue runner
 * (sends, emails) and pg-boss for scheduled, durable jobs (channel health probes, history recoveries after a reconnect, contact erasures,
 * the retention pass over raw webhook events, the sweep that makes people whose browsers went quiet Away). Started once per process,
 * also across dev reloads.
 */
export function startJobRunnerIfEnabled(): void {
  const e = env();
  if (!e.JOBS_ENABLED) return;
  startJobRunner();
  if (e.INGEST_WORKER === "process") setIngestWake(ingestNotifier(`app:${process.pid}`).notify);
  else void startIngestWorker(e.DATABASE_POOL_MAX).catch((error: unknown) => logger.error("ingest.start_failed", { error }));
  globalForBoss.switchboardBoss ??= (async () => {
    const boss = createBoss(databaseClient(), { singleConnection: e.DATABASE_POOL_MAX === 1 });
    boss.on("error", (error: Error) => logger.warn("boss.error", { error: error.name }));
    await boss.start();
    await startProbeScheduler(boss, db, e.CHANNEL_PROBE_INTERVAL_SECONDS);
    await startHistoryRecoveries(boss, db);
    await startContactErasures(boss, db);
    await startRawEventRetention(boss, db, e.RAW_EVENT_RETENTION_DAYS);
    await startObjectDeletions(boss, db);
    await startAvailabilitySweep(boss, db);
    logger.info("boss.started", { probeIntervalSeconds: e.CHANNEL_PROBE_INTERVAL_SECONDS, rawEventRetentionDays: e.RAW_EVENT_RETENTION_DAYS });
    return boss;
  })().catch((error: unknown) => {
    logger.error("boss.start_failed", { error: error instanceof Error ? error.message : "unknown" });
    return undefined;
  });
  // SIGTERM (server/launcher/app-server.ts): stop claiming, finish the sends and emails in flight, the ingest batch
  // in hand and the pg-boss jobs running — each bounded — so a rolling restart loses and repeats nothing.
  const boss = globalForBoss.switchboardBoss;
  setBackgroundStop(async () => {
    await Promise.all([
      stopJobRunner(),
      e.INGEST_WORKER === "process" ? undefined : stopIngestWorker(),
      boss.then((b) => b?.stop({ graceful: true, wait: true, timeout: BOSS_STOP_MS })).catch(() => undefined),
    ]);
    logger.info("jobs.stopped");
  });
}
