import { and, eq } from "drizzle-orm";
import type { Database } from "../../../db";
import { channels } from "../../../db/schema";
import type { TelegramCredentials } from "../../channels/telegram/credentials";
import { deleteTelegramWebhook } from "../../channels/telegram/webhook";
import { open } from "../../crypto/secret-box";
import { logger } from "../../log";
import type { ServiceContext } from "../context";
import { actorUserId, announceChannel, findCompanyChannel } from "./channel-records";

/**
 * Deletes the channel with its contacts, conversations, messages, incidents and history (the confirmation
 * names them). A Telegram bot's webhook is removed first, so Telegram stops posting to an address that is gone
 * and the bot can be connected again later. The audit row outlives the channel in the log only.
 */
export async function deleteChannel({ ctx, input }: { ctx: ServiceContext & { db: Database }; input: { channelId: string } }) {
  const channel = await findCompanyChannel(ctx.db, ctx.companyId, input.channelId);
  if (channel.provider === "telegram") {
    try {
      await deleteTelegramWebhook(open<TelegramCredentials>(channel.credentials).botToken);
    } catch {
      // Best effort: a revoked token has no webhook to remove.
    }
  }
  await ctx.db.delete(channels).where(and(eq(channels.id, channel.id), eq(channels.companyId, ctx.companyId)));
  logger.info("channels.deleted", { companyId: ctx.companyId, channelId: channel.id, provider: channel.provider, actorUserId: actorUserId(ctx) });
  await announceChannel(ctx.companyId, { id: channel.id, status: "deleted" });
  return { deleted: true as const };
}
