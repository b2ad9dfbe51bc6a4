import { and, eq, gt, isNull } from "drizzle-orm";
import type { DbOrTx, Tx } from "../../../db";
import { channelHistory, channelIncidents, channels, emailDeliveries } from "../../../db/schema";
import { queueEmail } from "../../email/queue-email";
import { channelEmailTarget } from "./channel-email";

export type Resolution = "reconnected" | "recovered" | "started";

/**
 * The channel works again: active, its open incident resolved with how, probe counters reset. `reconnected`
 * (an admin's Reconnect) also moves `reconnectedAt`. When the loss was emailed, the restore is too (one per
 * incident), saying how many messages were recovered when that is known (`recoveredCount`); `emailLater` leaves
 * the email to the caller (queueRestoredEmail), for a reconnect that counts what it recovers only afterwards (VK
 * history). Held replies go out on the next pass of the send queue, oldest first. Returns the resolved
 * incident's id, if there was one.
 */
export async function markChannelRestored(
  tx: Tx,
  channelId: string,
  how: Resolution,
  opts: { byUserId?: string | null; now?: Date; recoveredCount?: number | null; emailLater?: boolean } = {},
): Promise<{ incidentId: string | null }> {
  const now = opts.now ?? new Date();
  const [channel] = await tx.select().from(channels).where(eq(channels.id, channelId)).for("update");
  if (!channel) throw new Error(`channel ${channelId} vanished`);
  const wasDown = channel.status !== "active";
  await tx
    .update(channels)
    .set({
      status: "active",
      statusReason: null,
      providerError: null,
      statusSince: wasDown ? now : channel.statusSince,
      probeFailures: 0,
      authFailureCount: 0,
      ...(how === "reconnected" ? { reconnectedAt: now } : {}),
      updatedAt: now,
    })
    .where(eq(channels.id, channelId));

  const [incident] = await tx
    .update(channelIncidents)
    .set({ resolvedAt: now, resolvedBy: opts.byUserId ?? null, resolution: how })
    .where(and(eq(channelIncidents.channelId, channelId), isNull(channelIncidents.resolvedAt)))
    .returning({ id: channelIncidents.id });
  if (wasDown || how === "reconnected") {
    await tx.insert(channelHistory).values({
      companyId: channel.companyId,
      channelId,
      actorUserId: opts.byUserId ?? null,
      action: how === "started" ? "started" : how,
      detail: { status: "active", from: channel.status, reason: channel.statusReason },
    });
  }
  if (!incident) return { incidentId: null };

  // A "lost again" email still waiting out its grace is taken back: the last email sent said "connected again",
  // which is true again, so neither goes.
  const withdrawn = await tx
    .delete(emailDeliveries)
    .where(
      and(
        eq(emailDeliveries.dedupeKey, `connection_lost:${incident.id}`),
        eq(emailDeliveries.companyId, channel.companyId),
        eq(emailDeliveries.status, "queued"),
        eq(emailDeliveries.attempts, 0),
        gt(emailDeliveries.nextAttemptAt, now),
      ),
    )
    .returning({ id: emailDeliveries.id });
  if (withdrawn.length > 0) return { incidentId: incident.id };
  if (!opts.emailLater) await queueRestoredEmail(tx, { channelId, incidentId: incident.id, at: now, recoveredCount: opts.recoveredCount ?? null });
  return { incidentId: incident.id };
}

/**
 * "Connected again" for an incident whose loss was emailed (once per incident), with the number of messages
 * recovered when known.
 */
export async function queueRestoredEmail(db: DbOrTx, input: { channelId: string; incidentId: string; at: Date; recoveredCount: number | null }): Promise<void> {
  const [channel] = await db.select().from(channels).where(eq(channels.id, input.channelId));
  if (!channel) return;
  const [lostEmail] = await db
    .select({ id: emailDeliveries.id })
    .from(emailDeliveries)
    .where(and(eq(emailDeliveries.dedupeKey, `connection_lost:${input.incidentId}`), eq(emailDeliveries.companyId, channel.companyId)));
  const target = lostEmail ? await channelEmailTarget(db, channel) : undefined;
  if (!target) return;
  await queueEmail({
    db,
    companyId: channel.companyId,
    kind: "connection_restored",
    dedupeKey: `connection_restored:${input.incidentId}`,
    incidentId: input.incidentId,
    to: target.to,
    locale: target.locale,
    template: { name: "connection_restored", props: { ...target.channel, at: input.at, recoveredCount: input.recoveredCount } },
  });
}
