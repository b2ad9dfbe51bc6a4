import { and, eq, gt, inArray, isNull, sql } from "drizzle-orm";
import type { Tx } from "../../../db";
import { channelHistory, channelIncidents, channels, emailDeliveries } from "../../../db/schema";
import type { ClassifiedError } from "../../channels/types";
import { queueEmail } from "../../email/queue-email";
import { channelEmailTarget } from "./channel-email";

/** A flapping channel sends no storm: a new incident within this long of the last emailed one sends no email. */
export const INCIDENT_EMAIL_COOLDOWN_MS = 30 * 60 * 1000;

export type DetectedBy = "send" | "probe" | "webhook" | "lookup" | "download";

/**
 * A "connection lost" error: the channel becomes `disconnected` with its reason and the provider's error,
 * and the open incident collects it. One incident per loss, however many errors follow, and one email per
 * incident to the company's registration email (F1), in the caller's transaction — so the email exists
 * exactly when the incident does, and its dedupe key (`connection_lost:<incident>`) keeps it single even if
 * two workers race. Returns whether this call opened the incident.
 */
export async function markChannelDisconnected(
  tx: Tx,
  channelId: string,
  error: ClassifiedError,
  detectedBy: DetectedBy = "send",
): Promise<{ opened: boolean; incidentId: string; emailed: boolean }> {
  const now = new Date();
  const [channel] = await tx.select().from(channels).where(eq(channels.id, channelId)).for("update");
  if (!channel) throw new Error(`channel ${channelId} vanished`);
  await tx
    .update(channels)
    .set({
      status: channel.status === "stopped" ? "stopped" : "disconnected",
      statusReason: error.reason,
      providerError: error.providerError,
      statusSince: channel.status === "active" ? now : channel.statusSince,
      authFailureCount: sql`${channels.authFailureCount} + 1`,
      updatedAt: now,
    })
    .where(eq(channels.id, channelId));

  const [open] = await tx.select().from(channelIncidents).where(and(eq(channelIncidents.channelId, channelId), isNull(channelIncidents.resolvedAt))).for("update");
  if (open) {
    await tx
      .update(channelIncidents)
      .set({ errorCount: sql`${channelIncidents.errorCount} + 1`, lastErrorAt: now, providerError: error.providerError })
      .where(eq(channelIncidents.id, open.id));
    return { opened: false, incidentId: open.id, emailed: false };
  }
  const [incident] = await tx
    .insert(channelIncidents)
    .values({ companyId: channel.companyId, channelId, reasonCode: error.reason, errorClass: error.class, providerError: error.providerError, openedAt: now, lastErrorAt: now, detectedBy })
    .returning({ id: channelIncidents.id });
  if (channel.status === "active") {
    await tx.insert(channelHistory).values({ companyId: channel.companyId, channelId, action: "status_changed", detail: { status: "disconnected", reason: error.reason, detectedBy } });
  }
  const emailed = channel.status === "stopped" ? false : await emailIncident(tx, channel, incident!.id, error.reason, now);
  return { opened: true, incidentId: incident!.id, emailed };
}

type Channel = typeof channels.$inferSelect;

export async function emailIncident(tx: Tx, channel: Channel, incidentId: string, reasonCode: string, since: Date): Promise<boolean> {
  // Cooldown: an incident of this channel emailed a moment ago means it is flapping; the red dot and the
  // Details page still show this one.
  const recent = await tx
    .select({ id: emailDeliveries.id })
    .from(emailDeliveries)
    .innerJoin(channelIncidents, eq(channelIncidents.id, emailDeliveries.incidentId))
    .where(
      and(
        eq(channelIncidents.channelId, channel.id),
        inArray(emailDeliveries.kind, ["connection_lost"]),
        gt(emailDeliveries.createdAt, new Date(since.getTime() - INCIDENT_EMAIL_COOLDOWN_MS)),
      ),
    )
    .limit(1);
  if (recent.length > 0) return false;
  const target = await channelEmailTarget(tx, channel);
  if (!target) return false;
  await queueEmail({
    db: tx,
    companyId: channel.companyId,
    kind: "connection_lost",
    dedupeKey: `connection_lost:${incidentId}`,
    incidentId,
    to: target.to,
    locale: target.locale,
    template: { name: "connection_lost", props: { ...target.channel, reasonCode, since } },
  });
  return true;
}
