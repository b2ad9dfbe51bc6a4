import { and, eq, sql } from "drizzle-orm";
import type { Database } from "../../../db";
import { channels } from "../../../db/schema";
import { logger } from "../../log";
import { announceChannel, recordChannelHistory, type Channel } from "./channel-records";

/**
 * VK's confirmation request reached us: the admin pressed "Confirm" in the community's Callback API settings
 * (seed 003). Records settings.vkConfirmedAt; a community still waiting for it becomes active. The connect page
 * shows "Confirmed" live from the realtime event. Never throws: the handshake answer must not depend on it.
 */
export async function recordVkConfirmation(db: Database, channel: Pick<Channel, "id" | "companyId" | "status" | "statusReason">): Promise<void> {
  try {
    const now = new Date();
    const waiting = channel.status === "stopped" && channel.statusReason === "awaiting_confirmation";
    const [updated] = await db.transaction(async (tx) => {
      const rows = await tx
        .update(channels)
        .set({
          settings: sql`${channels.settings} || ${JSON.stringify({ vkConfirmedAt: now.toISOString() })}::jsonb`,
          ...(waiting ? { status: "active" as const, statusReason: null, providerError: null, statusSince: now } : {}),
          updatedAt: now,
        })
        .where(and(eq(channels.id, channel.id), eq(channels.companyId, channel.companyId)))
        .returning({ id: channels.id, status: channels.status });
      await recordChannelHistory(tx, {
        companyId: channel.companyId,
        channelId: channel.id,
        actorUserId: null,
        action: "vk_confirmed",
        detail: waiting ? { from: "stopped", to: "active" } : {},
      });
      return rows;
    });
    if (updated) await announceChannel(channel.companyId, updated);
  } catch (error) {
    logger.warn("channels.vk_confirmation_not_recorded", { channelId: channel.id, error: error instanceof Error ? error.message : String(error) });
  }
}
