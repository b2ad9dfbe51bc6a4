import { and, eq } from "drizzle-orm";
import type { Database } from "../../../db";
import { channels } from "../../../db/schema";
import type { ServiceContext } from "../context";
import { actorUserId, announceChannel, findCompanyChannel, recordChannelHistory } from "./channel-records";

/**
 * "⋯" → Stop (F4): the channel is stopped by an admin and hidden from the default list. Its webhook stays
 * registered, so messages that arrive meanwhile are still kept; Start brings it back after a check.
 */
export async function stopChannel({ ctx, input }: { ctx: ServiceContext & { db: Database }; input: { channelId: string } }) {
  const channel = await findCompanyChannel(ctx.db, ctx.companyId, input.channelId);
  if (channel.status === "stopped") return { status: "stopped" as const };
  const now = new Date();
  await ctx.db.transaction(async (tx) => {
    await tx
      .update(channels)
      .set({ status: "stopped", statusReason: "stopped_by_admin", statusSince: now, updatedAt: now })
      .where(and(eq(channels.id, channel.id), eq(channels.companyId, ctx.companyId)));
    await recordChannelHistory(tx, { companyId: ctx.companyId, channelId: channel.id, actorUserId: actorUserId(ctx), action: "stopped", detail: { from: channel.status } });
  });
  await announceChannel(ctx.companyId, { id: channel.id, status: "stopped" });
  return { status: "stopped" as const };
}
