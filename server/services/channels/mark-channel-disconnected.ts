import { and, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Tx } from "../../../db";
import { channelHistory, channelIncidents, channels, emailDeliveries } from "../../../db/schema";
import type { ClassifiedError } from "../../channels/types";
import { queueEmail } from "../../email/queue-email";
import { channelEmailTarget } from "./channel-email";

/** A flapping channel sends no storm: a new incident within this long of the last emailed one sends no email. */
export const INCIDENT_EMAIL_COOLDOWN_MS = 30 * 60 * 1000;
/**
 * Lost again within the cooldown after the "connected again" email: the correcting email waits this long, and a
 * channel working again before it leaves takes it back (the last email sent, "connected again", is true again).
 */
export const LOST_AGAIN_GRACE_MS = 2 * 60 * 1000;

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
  // The last email this channel's incidents sent decides. Within the cooldown, a "lost" one means the inbox
  // already says the channel is down (flapping: the red dot and the Details page show this incident). A
  // "connected again" one would leave the inbox saying it works while it is down: a "lost again" email follows,
  // after a short grace that a quick recovery cancels, so the newest email always tells the true state.
  const [latest] = await tx
    .select({ kind: emailDeliveries.kind, createdAt: emailDeliveries.createdAt })
    .from(emailDeliveries)
    .innerJoin(channelIncidents, eq(channelIncidents.id, emailDeliveries.incidentId))
    .where(and(eq(channelIncidents.channelId, channel.id), inArray(emailDeliveries.kind, ["connection_lost", "connection_restored"])))
    .orderBy(desc(emailDeliveries.createdAt))
    .limit(1);
  const recent = latest !== undefined && latest.createdAt.getTime() > since.getTime() - INCIDENT_EMAIL_COOLDOWN_MS;
  if (recent && latest.kind === "connection_lost") return false;
  const again = recent && latest.kind === "connection_restored";
  const target = await channelEmailTarget(tx, channel);
  if (!target) return false;
  const queued = await queueEmail({
    db: tx,
    companyId: channel.companyId,
    kind: "connection_lost",
    dedupeKey: `connection_lost:${incidentId}`,
    incidentId,
    to: target.to,
    locale: target.locale,
    template: { name: "connection_lost", props: { ...target.channel, reasonCode, since, ...(again ? { again: true } : {}) } },
  });
  if (again && queued.queued) {
    await tx
      .update(emailDeliveries)
      .set({ nextAttemptAt: new Date(since.getTime() + LOST_AGAIN_GRACE_MS) })
      .where(eq(emailDeliveries.id, queued.id));
  }
  return true;
}
