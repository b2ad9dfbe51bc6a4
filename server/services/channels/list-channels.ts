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

/** Whether any channel of the company has lost its connection: the red dot next to Settings (F1). */
export async function hasDisconnectedChannel({ ctx }: { ctx: ServiceContext }): Promise<boolean> {
  const [row] = await ctx.db
    .select({ id: channels.id })
    .from(channels)
    .where(and(eq(channels.companyId, ctx.companyId), eq(channels.status, "disconnected")))
    .limit(1);
  return Boolean(row);
}
