import { ne } from "drizzle-orm";
import type PgBoss from "pg-boss";
import type { Database } from "../../db";
import { channels } from "../../db/schema";
import { logger } from "../log";
import { probeChannel } from "../services/channels/probe-channel";

export const PROBE_QUEUE = "probe-channel";

type ProbeJob = { channelId: string };

/** The interval ±20%: probes of many channels spread out instead of hitting a provider together. */
export function jitteredSeconds(intervalSeconds: number, random: () => number = Math.random): number {
  return Math.max(1, Math.round(intervalSeconds * (0.8 + 0.4 * random())));
}

/**
 * Scheduled health probes as durable jobs: one pending `probe-channel` job per channel (the queue's "stately"
 * policy allows one queued and one running per channel id, across every app instance), each probe scheduling
 * the next. A sweep on start and every interval gives a job to channels that have none (new ones, or after an
 * outage); stopped channels are not probed, and a probe of a deleted channel simply ends its chain.
 */
export async function startProbeScheduler(
  boss: PgBoss,
  db: Database,
  intervalSeconds: number,
  opts: { sweep?: boolean } = {},
): Promise<{ schedule(channelId: string, afterSeconds: number): Promise<void>; stop(): void }> {
  await boss.createQueue(PROBE_QUEUE, { name: PROBE_QUEUE, policy: "stately", retryLimit: 0, expireInSeconds: 120 });

  const schedule = async (channelId: string, afterSeconds: number) => {
    await boss.send(PROBE_QUEUE, { channelId } satisfies ProbeJob, { singletonKey: channelId, startAfter: afterSeconds });
  };

  await boss.work<ProbeJob>(PROBE_QUEUE, { batchSize: 5, pollingIntervalSeconds: Math.min(2, Math.max(0.5, intervalSeconds / 10)) }, async (jobs) => {
    for (const job of jobs) {
      const { channelId } = job.data;
      const outcome = await probeChannel(channelId, { db }).catch((error: unknown) => {
        logger.error("probe.failed", { channelId, error: error instanceof Error ? error.name : "unknown" });
        return undefined;
      });
      if (outcome?.outcome === "skipped") continue; // stopped, deleted, or nothing to probe: the chain ends
      await schedule(channelId, jitteredSeconds(intervalSeconds));
    }
  });

  const sweep = async () => {
    try {
      const rows = await db.select({ id: channels.id }).from(channels).where(ne(channels.status, "stopped"));
      for (const row of rows) await schedule(row.id, jitteredSeconds(intervalSeconds));
    } catch (error) {
      logger.warn("probe.sweep_failed", { error: error instanceof Error ? error.name : "unknown" });
    }
  };
  if (opts.sweep === false) return { schedule, stop: () => {} };
  await sweep();
  const timer = setInterval(() => void sweep(), intervalSeconds * 1000);
  timer.unref?.();
  return { schedule, stop: () => clearInterval(timer) };
}
