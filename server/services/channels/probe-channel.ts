import { eq } from "drizzle-orm";
import { db as appDb, type Database } from "../../../db";
import { channels } from "../../../db/schema";
import { adapterFor } from "../../channels/registry";
import type { HealthReport } from "../../channels/types";
import { queueEmail } from "../../email/queue-email";
import { logger } from "../../log";
import { publishToCompany } from "../../realtime/publish";
import { markChannelDisconnected } from "./mark-channel-disconnected";
import { markChannelRestored } from "./mark-channel-restored";
import { webhookUrlFor } from "./channel-records";
import { channelEmailTarget } from "./channel-email";

/** Probes in a row that must find the connection lost before an incident opens: one may be a blip. */
export const PROBE_FAILURES_TO_OPEN = 2;
/** Half-life of the transient-error score (timeouts, 5xx, 429 from probes): shown, never alarmed on. */
export const ERROR_SCORE_HALF_LIFE_MS = 10 * 60 * 1000;

/** Warning reasons a probe raises and clears (a token expiry warning comes from a different probe). */
const PROBE_WARNINGS = new Set(["webhook_failing", "token_expiring"]);

export type ProbeOutcome =
  | { outcome: "skipped"; why: "stopped" | "no_probe" | "gone" }
  | { outcome: "healthy"; restored: boolean }
  | { outcome: "warning"; reason: string; emailed: boolean }
  | { outcome: "transient"; errorScore: number }
  | { outcome: "failing"; failures: number }
  | { outcome: "lost"; opened: boolean; emailed: boolean };

/** The decayed score at `now`, plus `add`. Pure. */
export function decayedScore(score: number, at: Date | null, now: Date, add = 0): number {
  const elapsed = at ? Math.max(0, now.getTime() - at.getTime()) : 0;
  return score * 0.5 ** (elapsed / ERROR_SCORE_HALF_LIFE_MS) + add;
}

/**
 * One health probe of a channel (the `probe-channel` job): asks the provider whether the connection works
 * and records what it found. No false alarms: a transient failure (timeout, 5xx, 429) only raises a decaying
 * score; a lost connection opens an incident on the second probe in a row; a probe that finds a disconnected
 * channel working again resolves its incident ("recovered").
 */
export async function probeChannel(channelId: string, opts: { db?: Database; now?: Date } = {}): Promise<ProbeOutcome> {
  const db = opts.db ?? appDb;
  const now = opts.now ?? new Date();
  const [channel] = await db.select().from(channels).where(eq(channels.id, channelId));
  if (!channel) return { outcome: "skipped", why: "gone" };
  if (channel.status === "stopped") return { outcome: "skipped", why: "stopped" };
  const resolved = adapterFor(channel);
  if (!resolved?.adapter.probeHealth) return { outcome: "skipped", why: "no_probe" };

  let report: HealthReport;
  try {
    report = await resolved.adapter.probeHealth(resolved.credentials, { externalId: channel.externalId, webhookUrl: webhookUrlFor(channel.provider, channel.id), now });
  } catch (error) {
    // The provider could not be reached at all: says nothing about the connection itself.
    logger.warn("probe.unreachable", { channelId, provider: channel.provider, error: error instanceof Error ? error.name : "unknown" });
    report = { status: "degraded", reason: "retrying", providerError: { description: "the provider could not be reached" } };
  }

  const outcome = await db.transaction(async (tx): Promise<ProbeOutcome> => {
    const [current] = await tx.select().from(channels).where(eq(channels.id, channelId)).for("update");
    if (!current || current.status === "stopped") return { outcome: "skipped", why: current ? "stopped" : "gone" };
    const base = { lastProbeAt: now, updatedAt: now };

    if (report.status === "healthy") {
      const clearsWarning = current.warningReason !== null && PROBE_WARNINGS.has(current.warningReason);
      await tx
        .update(channels)
        .set({
          ...base,
          probeFailures: 0,
          ...(clearsWarning ? { warningReason: null, warningSince: null, warningDetail: null } : {}),
          settings: { ...current.settings, ...(report.account.username ? { username: report.account.username } : {}), ...(report.pageApps ? { pageApps: report.pageApps } : {}) },
        })
        .where(eq(channels.id, channelId));
      if (current.status === "disconnected") {
        await markChannelRestored(tx, channelId, "recovered", { now });
        return { outcome: "healthy", restored: true };
      }
      return { outcome: "healthy", restored: false };
    }

    if (report.status === "degraded") {
      if (report.reason === "retrying") {
        const errorScore = decayedScore(current.errorScore, current.errorScoreAt, now, 1);
        await tx.update(channels).set({ ...base, errorScore, errorScoreAt: now }).where(eq(channels.id, channelId));
        return { outcome: "transient", errorScore };
      }
      // A warning before a loss: shown on the channel, one heads-up email per warning.
      const fresh = current.warningReason !== report.reason;
      const since = fresh ? now : (current.warningSince ?? now);
      await tx
        .update(channels)
        .set({ ...base, probeFailures: 0, warningReason: report.reason, warningSince: since, warningDetail: report.providerError })
        .where(eq(channels.id, channelId));
      const expiresAt = report.providerError.expiresAt ? new Date(report.providerError.expiresAt) : null;
      const emailed = fresh && current.status === "active" ? await emailWarning(tx, current, report.reason, since, expiresAt) : false;
      return { outcome: "warning", reason: report.reason, emailed };
    }

    const failures = current.probeFailures + 1;
    await tx.update(channels).set({ ...base, probeFailures: failures }).where(eq(channels.id, channelId));
    if (failures < PROBE_FAILURES_TO_OPEN && current.status === "active") return { outcome: "failing", failures };
    const marked = await markChannelDisconnected(tx, channelId, { class: "connection_lost", reason: report.reason, providerError: report.providerError }, "probe");
    return { outcome: "lost", opened: marked.opened, emailed: marked.emailed };
  });

  const changed = (outcome.outcome === "healthy" && outcome.restored) || (outcome.outcome === "lost" && outcome.opened) || (outcome.outcome === "warning" && outcome.emailed);
  if (changed) {
    const status = outcome.outcome === "lost" ? "disconnected" : "active";
    await publishToCompany(channel.companyId, [{ name: "channel.status_changed", data: { channelId, status } }]);
  }
  if (outcome.outcome !== "healthy" || outcome.restored) logger.info("probe.result", { channelId, provider: channel.provider, outcome: outcome.outcome });
  return outcome;
}

type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];

async function emailWarning(tx: Tx, channel: typeof channels.$inferSelect, warningCode: string, since: Date, expiresAt: Date | null): Promise<boolean> {
  const target = await channelEmailTarget(tx, channel);
  if (!target) return false;
  const { queued } = await queueEmail({
    db: tx,
    companyId: channel.companyId,
    kind: "channel_warning",
    dedupeKey: `channel_warning:${channel.id}:${warningCode}:${since.toISOString()}`,
    to: target.to,
    locale: target.locale,
    template: { name: "channel_warning", props: { ...target.channel, warningCode, expiresAt } },
  });
  return queued;
}
