import { and, eq } from "drizzle-orm";
import type { Database } from "../../../db";
import { channels, lines } from "../../../db/schema";
import { DomainError } from "../../errors";
import type { ServiceContext } from "../context";
import { actorUserId, announceChannel, findCompanyChannel, findCompanyLine, isUniqueViolation, recordChannelHistory } from "./channel-records";
import { assertLineHasNoBot } from "./telegram-connection-rules";

/**
 * Moves the channel to another line of the company: its new conversations go there (open ones stay where they
 * are). A line has at most one Telegram bot (seed 001).
 */
export async function moveChannel({ ctx, input }: { ctx: ServiceContext & { db: Database }; input: { channelId: string; lineId: string } }) {
  const channel = await findCompanyChannel(ctx.db, ctx.companyId, input.channelId);
  const line = await findCompanyLine(ctx.db, ctx.companyId, input.lineId);
  if (channel.lineId === line.id) return { lineId: line.id };
  if (channel.provider === "telegram") await assertLineHasNoBot(ctx.db, line.id, channel.id);
  const [from] = channel.lineId ? await ctx.db.select({ name: lines.name }).from(lines).where(eq(lines.id, channel.lineId)) : [];
  try {
    await ctx.db.transaction(async (tx) => {
      await tx.update(channels).set({ lineId: line.id, updatedAt: new Date() }).where(and(eq(channels.id, channel.id), eq(channels.companyId, ctx.companyId)));
      await recordChannelHistory(tx, { companyId: ctx.companyId, channelId: channel.id, actorUserId: actorUserId(ctx), action: "moved", detail: { from: from?.name ?? null, to: line.name } });
    });
  } catch (error) {
    if (isUniqueViolation(error, "channels_line_telegram_unique")) throw new DomainError("conflict", "channelsAdmin.error.telegramLineTaken");
    throw error;
  }
  await announceChannel(ctx.companyId, channel);
  return { lineId: line.id };
}
