import { and, count, desc, eq, isNull } from "drizzle-orm";
import { channelHistory, channelIncidents, contacts, conversations, lines, messages, users } from "../../../db/schema";
import type { ServiceContext } from "../context";
import { findCompanyChannel, webhookUrlFor } from "./channel-records";

const HISTORY_LIMIT = 100;

/**
 * A channel's Details page (seed 000: Settings → messenger → "Details"): identity, line, status with its history,
 * true activity, connection dates, the webhook URL, the admin audit and what deleting it would remove. Never
 * credentials.
 */
export async function getChannelDetails({ ctx, input }: { ctx: ServiceContext; input: { channelId: string } }) {
  const channel = await findCompanyChannel(ctx.db, ctx.companyId, input.channelId);
  const [line] = channel.lineId ? await ctx.db.select({ id: lines.id, name: lines.name }).from(lines).where(and(eq(lines.id, channel.lineId), eq(lines.companyId, ctx.companyId))) : [];
  const history = await ctx.db
    .select({ id: channelHistory.id, action: channelHistory.action, detail: channelHistory.detail, createdAt: channelHistory.createdAt, actorName: users.name })
    .from(channelHistory)
    .leftJoin(users, eq(users.id, channelHistory.actorUserId))
    .where(and(eq(channelHistory.channelId, channel.id), eq(channelHistory.companyId, ctx.companyId)))
    .orderBy(desc(channelHistory.createdAt))
    .limit(HISTORY_LIMIT);
  const [openIncident] = await ctx.db
    .select({ openedAt: channelIncidents.openedAt, errorCount: channelIncidents.errorCount, reasonCode: channelIncidents.reasonCode })
    .from(channelIncidents)
    .where(and(eq(channelIncidents.channelId, channel.id), eq(channelIncidents.companyId, ctx.companyId), isNull(channelIncidents.resolvedAt)));
  const tally = async (table: typeof contacts | typeof conversations | typeof messages) => {
    const [row] = await ctx.db.select({ n: count() }).from(table).where(and(eq(table.channelId, channel.id), eq(table.companyId, ctx.companyId)));
    return row?.n ?? 0;
  };
  const settings = channel.settings;
  return {
    id: channel.id,
    name: channel.name,
    provider: channel.provider,
    externalId: channel.externalId,
    username: settings.username ?? null,
    botName: settings.botName ?? null,
    /** Seed 001: the bot's customers are registered under the client "Telegram: <bot name>". */
    clientName: channel.provider === "telegram" ? `Telegram: ${settings.botName ?? channel.name}` : null,
    vkConfirmedAt: settings.vkConfirmedAt ? new Date(settings.vkConfirmedAt) : null,
    line: line ?? null,
    status: channel.status,
    statusReason: channel.statusReason,
    statusSince: channel.statusSince,
    providerError: channel.providerError ? { code: channel.providerError.code ?? null, description: channel.providerError.description ?? null } : null,
    openIncident: openIncident ?? null,
    connectedAt: channel.connectedAt,
    reconnectedAt: channel.reconnectedAt,
    lastWebhookAt: channel.lastWebhookAt,
    lastSendAt: channel.lastSendAt,
    webhookUrl: webhookUrlFor(channel.provider, channel.id),
    history,
    counts: { contacts: await tally(contacts), conversations: await tally(conversations), messages: await tally(messages) },
  };
}
