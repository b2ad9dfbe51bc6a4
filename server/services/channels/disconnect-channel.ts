import { and, eq } from "drizzle-orm";
import type { Database } from "../../../db";
import { channels } from "../../../db/schema";
import { TelegramApiError } from "../../channels/telegram/api";
import type { TelegramCredentials } from "../../channels/telegram/credentials";
import { deleteTelegramWebhook } from "../../channels/telegram/webhook";
import { open } from "../../crypto/secret-box";
import { logger } from "../../log";
import type { ServiceContext } from "../context";
import { actorUserId, announceChannel, findCompanyChannel, recordChannelHistory } from "./channel-records";

/**
 * Disconnect (F6): Telegram stops delivering to us (deleteWebhook, pending updates kept in Telegram's queue);
 * the channel stays, stopped with the reason, with its contacts, conversations and history. Start registers the
 * webhook again after checking the token.
 */
export async function disconnectChannel({ ctx, input }: { ctx: ServiceContext & { db: Database }; input: { channelId: string } }) {
  const channel = await findCompanyChannel(ctx.db, ctx.companyId, input.channelId);
  let webhookRemoved: boolean | null = null;
  if (channel.provider === "telegram") {
    try {
      await deleteTelegramWebhook(open<TelegramCredentials>(channel.credentials).botToken);
      webhookRemoved = true;
    } catch (error) {
      // A revoked token cannot remove anything, and Telegram no longer delivers to it either: disconnect anyway.
      webhookRemoved = false;
      logger.warn("channels.telegram_delete_webhook_failed", { companyId: ctx.companyId, channelId: channel.id, code: error instanceof TelegramApiError ? (error.providerError.code ?? null) : null });
    }
  }
  const now = new Date();
  await ctx.db.transaction(async (tx) => {
    await tx
      .update(channels)
      .set({ status: "stopped", statusReason: "disconnected_by_admin", statusSince: now, updatedAt: now })
      .where(and(eq(channels.id, channel.id), eq(channels.companyId, ctx.companyId)));
    await recordChannelHistory(tx, {
      companyId: ctx.companyId,
      channelId: channel.id,
      actorUserId: actorUserId(ctx),
      action: "disconnected",
      detail: { from: channel.status, ...(webhookRemoved === null ? {} : { webhookRemoved }) },
    });
  });
  await announceChannel(ctx.companyId, { id: channel.id, status: "stopped" });
  return { status: "stopped" as const, webhookRemoved };
}
