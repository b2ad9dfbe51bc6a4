import { and, desc, eq, gt, gte, inArray, lte, sql } from "drizzle-orm";
import { channelHistory, channelIncidents, companies, messages, users } from "../../../db/schema";
import { DEFAULT_TIME_ZONE, isTimeZone } from "../../i18n";
import type { ServiceContext } from "../context";
import { findCompanyChannel } from "./channel-records";
import { healthTimeline, stateDurations, stoppedIntervals, type Interval } from "./health-timeline";
import { decayedScore } from "./probe-channel";

const DAYS = 30;
const INCIDENT_LIMIT = 20;
const RECOVERY_LOOKBACK_MS = 24 * 3600_000;

/**
 * The health section of a channel's Details page: a 30-day timeline (connected / warning / disconnected /
 * stopped hours per day), the incidents with their cause, counts, how they ended and how many messages were
 * recovered after each (messages the customer sent while the channel was down that reached us after it came
 * back: Telegram's queue, VK history), the current warning, and the decayed transient-error score.
 */
export async function getChannelHealth({ ctx, input }: { ctx: ServiceContext; input: { channelId: string } }) {
  const channel = await findCompanyChannel(ctx.db, ctx.companyId, input.channelId);
  const now = new Date();
  const since = new Date(now.getTime() - DAYS * 24 * 3600_000);

  const incidents = await ctx.db
    .select({
      id: channelIncidents.id,
      reasonCode: channelIncidents.reasonCode,
      errorCount: channelIncidents.errorCount,
      openedAt: channelIncidents.openedAt,
      lastErrorAt: channelIncidents.lastErrorAt,
      resolvedAt: channelIncidents.resolvedAt,
      resolution: channelIncidents.resolution,
      detectedBy: channelIncidents.detectedBy,
      providerCode: sql<string | null>`${channelIncidents.providerError} ->> 'code'`,
      recordedRecovered: channelIncidents.recoveredCount,
      resolvedByName: users.name,
    })
    .from(channelIncidents)
    .leftJoin(users, eq(users.id, channelIncidents.resolvedBy))
    .where(and(eq(channelIncidents.channelId, channel.id), eq(channelIncidents.companyId, ctx.companyId)))
    .orderBy(desc(channelIncidents.openedAt))
    .limit(INCIDENT_LIMIT);

  const recovered = new Map<string, number>();
  for (const i of incidents) {
    if (!i.resolvedAt) continue;
    const [row] = await ctx.db
      .select({ n: sql<number>`count(*)::int` })
      .from(messages)
      .where(
        and(
          eq(messages.channelId, channel.id),
          eq(messages.companyId, ctx.companyId),
          eq(messages.direction, "inbound"),
          // Written before the reconnect, stored after it: held by the provider while the channel was down. A
          // message written shortly before the loss was noticed counts too (Telegram keeps its queue 24 hours).
          gte(messages.providerTimestamp, new Date(i.openedAt.getTime() - RECOVERY_LOOKBACK_MS)),
          lte(messages.providerTimestamp, i.resolvedAt),
          gt(messages.createdAt, i.resolvedAt),
        ),
      );
    recovered.set(i.id, row?.n ?? 0);
  }

  const history = await ctx.db
    .select({ action: channelHistory.action, createdAt: channelHistory.createdAt })
    .from(channelHistory)
    .where(and(eq(channelHistory.channelId, channel.id), eq(channelHistory.companyId, ctx.companyId), inArray(channelHistory.action, ["stopped", "disconnected", "started", "reconnected"])));

  const intervals: Interval[] = [
    ...incidents.filter((i) => !i.resolvedAt || i.resolvedAt > since).map((i) => ({ from: i.openedAt, to: i.resolvedAt, state: "disconnected" as const })),
    ...stoppedIntervals(history),
    ...(channel.warningSince ? [{ from: channel.warningSince, to: null, state: "warning" as const }] : []),
  ];
  // A channel stopped without history (seeded, or stopped by the product) is stopped since statusSince.
  if (channel.status === "stopped" && !intervals.some((i) => i.state === "stopped" && i.to === null)) {
    intervals.push({ from: channel.statusSince, to: null, state: "stopped" });
  }

  // The chart's days and every time on it are the company's (Settings → Company), with the zone named.
  const [company] = await ctx.db.select({ timeZone: companies.timeZone }).from(companies).where(eq(companies.id, ctx.companyId));
  const timeZone = isTimeZone(company?.timeZone) ? company.timeZone : DEFAULT_TIME_ZONE;
  return {
    timeZone,
    timeline: healthTimeline({ now, days: DAYS, connectedAt: channel.connectedAt, intervals, timeZone }),
    // Exact totals for the summary in words (the chart counts whole hours).
    durations: stateDurations({ now, days: DAYS, connectedAt: channel.connectedAt, intervals }),
    // A VK reconnect records what it recovered from history, including messages from just before the incident opened.
    incidents: incidents.map(({ recordedRecovered, ...i }) => ({ ...i, recoveredCount: Math.max(recovered.get(i.id) ?? 0, recordedRecovered) })),
    incidentsInPeriod: incidents.filter((i) => i.openedAt > since || !i.resolvedAt || i.resolvedAt > since).length,
    warning: channel.warningReason ? { reason: channel.warningReason, since: channel.warningSince, until: channel.warningDetail?.expiresAt ? new Date(channel.warningDetail.expiresAt) : null } : null,
    transientErrors: Math.round(decayedScore(channel.errorScore, channel.errorScoreAt, now) * 10) / 10,
    lastProbeAt: channel.lastProbeAt,
  };
}
