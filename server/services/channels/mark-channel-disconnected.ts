import { and, eq, isNull, sql } from "drizzle-orm";
import type { Tx } from "../../../db";
import { channelIncidents, channels } from "../../../db/schema";
import type { ClassifiedError } from "../../channels/types";

/**
 * A "connection lost" error: the channel becomes `disconnected` with its reason and the provider's error,
 * and the open incident collects it. One incident per loss, however many errors follow (F1 emails once
 * per incident). Returns whether this call opened the incident.
 */
export async function markChannelDisconnected(tx: Tx, channelId: string, error: ClassifiedError): Promise<{ opened: boolean; incidentId: string }> {
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
    return { opened: false, incidentId: open.id };
  }
  const [incident] = await tx
    .insert(channelIncidents)
    .values({ companyId: channel.companyId, channelId, reasonCode: error.reason, errorClass: error.class, providerError: error.providerError, openedAt: now, lastErrorAt: now })
    .returning({ id: channelIncidents.id });
  return { opened: true, incidentId: incident!.id };
}
