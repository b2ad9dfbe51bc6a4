import { and, eq, sql } from "drizzle-orm";
import type { Database } from "../../../db";
import { channels } from "../../../db/schema";
import { listVkCallbackServers, ourVkCallbackServer } from "../../channels/vk/callback-servers";
import { paceVkCall } from "../../channels/vk/pace";
import { logger } from "../../log";
import { announceChannel, recordChannelHistory, webhookUrlFor, type Channel } from "./channel-records";

type ConfirmedChannel = Pick<Channel, "id" | "companyId" | "status" | "statusReason" | "externalId">;

/** How long VK's verdict on our answer is awaited (the server stays `wait` until VK has read it). */
const VERDICT_CHECKS = 6;
const VERDICT_PAUSE_MS = 500;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * After our answer to VK's confirmation request has gone out: VK's verdict, read from groups.getCallbackServers
 * (our server is the one with this channel's webhook URL). `ok` — or no verdict to be had (the key may not
 * manage the community, VK did not answer, the server was added by hand under another URL) — records the
 * confirmation as before; `failed` means VK did not accept the string we answered (a mistyped or outdated
 * confirmation string): the channel says so in words instead of "confirmed", and Reconnect fixes it (it asks
 * VK for the right string). Never throws.
 */
export async function settleVkConfirmation(db: Database, channel: ConfirmedChannel, accessToken: string): Promise<void> {
  let verdict: "ok" | "failed" | "unknown" = "unknown";
  try {
    const url = webhookUrlFor("vk", channel.id);
    for (let check = 0; check < VERDICT_CHECKS; check++) {
      if (check > 0) await pause(VERDICT_PAUSE_MS);
      await paceVkCall(channel.id);
      const ours = ourVkCallbackServer(await listVkCallbackServers(accessToken, channel.externalId), url);
      if (!ours) break;
      if (ours.status === "ok" || ours.status === "failed") {
        verdict = ours.status;
        break;
      }
    }
  } catch (error) {
    logger.info("channels.vk_confirmation_unverified", { channelId: channel.id, error: error instanceof Error ? error.name : String(error) });
  }
  if (verdict === "failed" && channel.status !== "active") await recordVkConfirmationRejected(db, channel);
  else await recordVkConfirmation(db, channel);
}

/**
 * VK marked our server failed right after our answer: the confirmation string we answered is not the one VK
 * expects. The channel is disconnected with that reason (it never worked), so the list, the indicator and the
 * Details page say what is wrong and offer Reconnect.
 */
async function recordVkConfirmationRejected(db: Database, channel: ConfirmedChannel): Promise<void> {
  try {
    const now = new Date();
    const [updated] = await db.transaction(async (tx) => {
      const rows = await tx
        .update(channels)
        .set({
          status: "disconnected",
          statusReason: "vk_confirmation_rejected",
          providerError: { description: "VK marked the callback server failed after our answer to its confirmation request" },
          statusSince: now,
          settings: sql`${channels.settings} - 'vkConfirmedAt'`,
          updatedAt: now,
        })
        .where(and(eq(channels.id, channel.id), eq(channels.companyId, channel.companyId)))
        .returning({ id: channels.id, status: channels.status });
      await recordChannelHistory(tx, {
        companyId: channel.companyId,
        channelId: channel.id,
        actorUserId: null,
        action: "status_changed",
        detail: { status: "disconnected", reason: "vk_confirmation_rejected" },
      });
      return rows;
    });
    if (updated) await announceChannel(channel.companyId, updated);
  } catch (error) {
    logger.warn("channels.vk_confirmation_not_recorded", { channelId: channel.id, error: error instanceof Error ? error.message : String(error) });
  }
}

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
