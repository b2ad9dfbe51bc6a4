import { and, eq } from "drizzle-orm";
import type { Database } from "../../../db";
import { channels } from "../../../db/schema";
import { DomainError } from "../../errors";
import type { ServiceContext } from "../context";
import { actorUserId, announceChannel, findCompanyChannel, recordChannelHistory } from "./channel-records";

export const CHANNEL_NAME_MAX = 100;

/** Rename: the name admins and operators see ("via …" in the inbox); the provider's account is unchanged. */
export async function renameChannel({ ctx, input }: { ctx: ServiceContext & { db: Database }; input: { channelId: string; name: string } }) {
  const name = input.name.trim();
  if (!name || name.length > CHANNEL_NAME_MAX) throw new DomainError("invalid", "channelsAdmin.error.nameInvalid");
  const channel = await findCompanyChannel(ctx.db, ctx.companyId, input.channelId);
  if (channel.name === name) return { name };
  await ctx.db.transaction(async (tx) => {
    await tx.update(channels).set({ name, updatedAt: new Date() }).where(and(eq(channels.id, channel.id), eq(channels.companyId, ctx.companyId)));
    await recordChannelHistory(tx, { companyId: ctx.companyId, channelId: channel.id, actorUserId: actorUserId(ctx), action: "renamed", detail: { from: channel.name, to: name } });
  });
  await announceChannel(ctx.companyId, channel);
  return { name };
}
