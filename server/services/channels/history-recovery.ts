import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { Database, DbOrTx } from "../../../db";
import { channelIncidents, channels, historyRecoveries, type HistoryRecoveryStatus } from "../../../db/schema";
import type { MetaCredentials } from "../../channels/meta/credentials";
import type { VkCredentials } from "../../channels/vk/credentials";
import { paceVkCall } from "../../channels/vk/pace";
import { open } from "../../crypto/secret-box";
import { logger } from "../../log";
import { wakeHistoryRecovery } from "../../queue/history-recovery-wake";
import { publishToCompany } from "../../realtime/publish";
import type { ServiceContext } from "../context";
import { findCompanyChannel } from "./channel-records";
import { queueRestoredEmail } from "./mark-channel-restored";
import { recoverMetaHistory } from "./recover-meta-history";
import { recoverVkHistory, type RecoveryProgress } from "./recover-vk-history";

/** A job may read the provider's history for longer than a request could wait (the Meta wizard allowed 20 s). */
const META_JOB_DEADLINE_MS = 120_000;
/** Attempts before a recovery that keeps failing (the database, a crash each time) is given up as failed. */
export const RECOVERY_MAX_ATTEMPTS = 5;

/**
 * Queues the recovery of what customers wrote to a channel in `window` (after a reconnect): a row that the job
 * (server/jobs/history-recoveries.ts) carries out, rung at once when `wake` (after the caller's transaction has
 * committed: call wakeHistoryRecovery then). Returns the row's id.
 */
export async function queueHistoryRecovery(
  db: DbOrTx,
  input: { companyId: string; channelId: string; incidentId: string | null; pageId?: string | null; window: { since: Date; until: Date } },
): Promise<string> {
  const [row] = await db
    .insert(historyRecoveries)
    .values({
      companyId: input.companyId,
      channelId: input.channelId,
      incidentId: input.incidentId,
      pageId: input.pageId ?? null,
      since: input.window.since,
      until: input.window.until,
    })
    .returning({ id: historyRecoveries.id });
  return row!.id;
}

/** Queues it and rings the job, outside any transaction. */
export async function startHistoryRecovery(db: Database, input: Parameters<typeof queueHistoryRecovery>[1]): Promise<string> {
  const id = await queueHistoryRecovery(db, input);
  await publishRecovery(input.companyId, input.channelId);
  await wakeHistoryRecovery(id);
  return id;
}

const publishRecovery = (companyId: string, channelId: string) =>
  publishToCompany(companyId, [{ name: "channel.recovery_progress", data: { channelId } }]).catch(() => undefined);

/**
 * Recoveries not finished (queued, or running when a process stopped): what a starting job runner carries on.
 * `queuedOnly`: those no run has claimed yet (the runner's frequent sweep, through the unfinished rows' index).
 */
export async function unfinishedHistoryRecoveries(db: Database, opts: { queuedOnly?: boolean } = {}): Promise<string[]> {
  const rows = await db
    .select({ id: historyRecoveries.id })
    .from(historyRecoveries)
    .where(inArray(historyRecoveries.status, opts.queuedOnly ? ["queued"] : ["queued", "running"]))
    .orderBy(historyRecoveries.createdAt);
  return rows.map((r) => r.id);
}

export type HistoryRecoveryOutcome = { status: HistoryRecoveryStatus | "missing"; recoveredCount: number };

/**
 * Carries out one queued recovery: reads the provider's history with the channel's current token and stores each
 * missed message the way its webhook would (recoverVkHistory, recoverMetaHistory), recording progress on the row
 * and announcing it live. Safe to run again after any interruption: each message is stored under its provider id
 * (inbound_events dedupe, messages' provider ids), so a retry adds only what the interrupted run had not; the row
 * keeps what each attempt recorded as recovered (at worst the one message stored at the instant of a crash goes
 * uncounted), and the incident takes the total once, when the recovery ends. A recovery already done is left
 * alone. Throws when it should be retried.
 */
export async function runHistoryRecovery(
  recoveryId: string,
  deps: { db: Database; /** Called after each progress is recorded (tests interrupt a run here). */ afterProgress?: (p: RecoveryProgress) => Promise<void> },
): Promise<HistoryRecoveryOutcome> {
  const { db } = deps;
  const [row] = await db
    .update(historyRecoveries)
    .set({ status: "running", attempts: sql`${historyRecoveries.attempts} + 1`, updatedAt: new Date() })
    .where(and(eq(historyRecoveries.id, recoveryId), inArray(historyRecoveries.status, ["queued", "running"])))
    .returning();
  if (!row) {
    const [done] = await db.select().from(historyRecoveries).where(eq(historyRecoveries.id, recoveryId));
    return done ? { status: done.status, recoveredCount: done.recoveredCount } : { status: "missing", recoveredCount: 0 };
  }
  // What earlier, interrupted attempts recorded as recovered: this attempt's figures add to it.
  const earlier = row.recoveredCount;
  const finish = async (status: "done" | "failed", added: number, truncated: boolean) => {
    const total = earlier + added;
    // One transaction: the row ends and the incident takes the count together, so neither is counted twice.
    await db.transaction(async (tx) => {
      await tx
        .update(historyRecoveries)
        .set({ status, recoveredCount: total, truncated, finishedAt: new Date(), updatedAt: new Date() })
        .where(eq(historyRecoveries.id, row.id));
      if (row.incidentId && total > 0) {
        await tx
          .update(channelIncidents)
          .set({ recoveredCount: sql`${channelIncidents.recoveredCount} + ${total}` })
          .where(and(eq(channelIncidents.id, row.incidentId), eq(channelIncidents.companyId, row.companyId)));
      }
      // The incident's "connected again" email, with what came back: a VK reconnect leaves it to this moment
      // (one per incident, so a reconnect that already sent it — the Meta wizard's — is not repeated).
      if (row.incidentId) {
        await queueRestoredEmail(tx, { channelId: row.channelId, incidentId: row.incidentId, at: row.createdAt, recoveredCount: status === "done" ? total : null });
      }
    });
    await publishRecovery(row.companyId, row.channelId);
    return { status, recoveredCount: total };
  };
  const log = { companyId: row.companyId, channelId: row.channelId, recoveryId: row.id, attempt: row.attempts };
  if (row.attempts > RECOVERY_MAX_ATTEMPTS) {
    logger.warn("channels.recovery_given_up", log);
    return finish("failed", 0, true);
  }

  const [channel] = await db
    .select()
    .from(channels)
    .where(and(eq(channels.id, row.channelId), eq(channels.companyId, row.companyId)));
  // Deleted, or no longer holding a working token: nothing can be read now (a new reconnect queues a new one).
  if (!channel || channel.status !== "active" || !channel.credentials) return finish("failed", 0, false);

  const ctx: ServiceContext & { db: Database } = { db, companyId: row.companyId, actor: { kind: "job", name: "history-recovery" } };
  const window = { since: row.since, until: row.until };
  let last = 0;
  const onProgress = async (p: RecoveryProgress) => {
    await db
      .update(historyRecoveries)
      .set({ found: p.found, processed: p.processed, recoveredCount: earlier + p.recovered, updatedAt: new Date() })
      .where(eq(historyRecoveries.id, row.id));
    // Live, but not for every message of a long run: the page refetches the figure.
    const now = Date.now();
    if (p.processed === 0 || p.processed === p.found || now - last > 500) {
      last = now;
      await publishRecovery(row.companyId, row.channelId);
    }
    await deps.afterProgress?.(p);
  };

  let result: { recoveredCount: number; truncated: boolean };
  if (channel.provider === "vk") {
    const { accessToken } = open<VkCredentials>(channel.credentials);
    result = await recoverVkHistory({ ctx, channelId: channel.id, accessToken, window, incidentId: null, pace: () => paceVkCall(channel.id), onProgress });
  } else if ((channel.provider === "messenger" || channel.provider === "instagram") && row.pageId) {
    const { pageToken } = open<MetaCredentials>(channel.credentials);
    result = await recoverMetaHistory({ ctx, channelId: channel.id, pageToken, pageId: row.pageId, window, incidentId: null, deadlineMs: META_JOB_DEADLINE_MS, onProgress });
  } else {
    return finish("failed", 0, false);
  }
  return finish("done", result.recoveredCount, result.truncated);
}

export type ChannelRecoveryView = {
  status: HistoryRecoveryStatus;
  found: number | null;
  processed: number;
  recoveredCount: number;
  truncated: boolean;
  startedAt: Date;
  finishedAt: Date | null;
} | null;

/** The channel's latest recovery, for its Details page: under way ("12 of ~40") or how it ended. */
export async function getChannelRecovery({ ctx, input }: { ctx: ServiceContext; input: { channelId: string } }): Promise<ChannelRecoveryView> {
  await findCompanyChannel(ctx.db, ctx.companyId, input.channelId); // another company's channel: not found
  const [row] = await ctx.db
    .select()
    .from(historyRecoveries)
    .where(and(eq(historyRecoveries.channelId, input.channelId), eq(historyRecoveries.companyId, ctx.companyId)))
    .orderBy(desc(historyRecoveries.createdAt))
    .limit(1);
  if (!row) return null;
  return {
    status: row.status,
    found: row.found,
    processed: row.processed,
    recoveredCount: row.recoveredCount,
    truncated: row.truncated,
    startedAt: row.createdAt,
    finishedAt: row.finishedAt,
  };
}
