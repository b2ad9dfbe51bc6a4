import { and, asc, eq, ne } from "drizzle-orm";
import { channels, lines } from "../../../db/schema";
import type { ServiceContext } from "../context";
import { webhookUrlFor } from "./channel-records";

/** Channels for Settings (admins). Stopped channels are hidden unless asked for (F4). Never credentials. */
export async function listChannels({ ctx, input }: { ctx: ServiceContext; input: { includeStopped: boolean } }) {
  const rows = await ctx.db
    .select({
      id: channels.id,
      name: channels.name,
      provider: channels.provider,
      status: channels.status,
      statusReason: channels.statusReason,
      statusSince: channels.statusSince,
      connectedAt: channels.connectedAt,
      reconnectedAt: channels.reconnectedAt,
      lastWebhookAt: channels.lastWebhookAt,
      lastSendAt: channels.lastSendAt,
      lineId: channels.lineId,
      lineName: lines.name,
      settings: channels.settings,
    })
    .from(channels)
    .leftJoin(lines, eq(lines.id, channels.lineId))
    .where(and(eq(channels.companyId, ctx.companyId), input.includeStopped ? undefined : ne(channels.status, "stopped")))
    .orderBy(asc(channels.provider), asc(channels.name));
  return rows.map(({ settings, ...r }) => ({
    ...r,
    username: settings.username ?? null,
    vkConfirmedAt: settings.vkConfirmedAt ? new Date(settings.vkConfirmedAt) : null,
    webhookUrl: webhookUrlFor(r.provider, r.id),
  }));
}

export type LostChannel = { id: string; name: string; provider: "telegram" | "messenger" | "instagram" | "vk" };

/**
 * The company's channels that have lost their connection, by name: the indicator next to Settings counts them
 * and lists each with a link to its Details (F1).
 */
export async function listLostChannels({ ctx }: { ctx: ServiceContext }): Promise<LostChannel[]> {
  return ctx.db
    .select({ id: channels.id, name: channels.name, provider: channels.provider })
    .from(channels)
    .where(and(eq(channels.companyId, ctx.companyId), eq(channels.status, "disconnected")))
    .orderBy(asc(channels.name), asc(channels.id))
    .limit(100);
}
