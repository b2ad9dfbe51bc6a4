import { and, eq } from "drizzle-orm";
import type { Database } from "../../../db";
import { channels } from "../../../db/schema";
import { seal } from "../../crypto/secret-box";
import { DomainError } from "../../errors";
import { reasonKey } from "../../i18n";
import type { ServiceContext } from "../context";
import { actorUserId, announceChannel, findCompanyChannel, recordChannelHistory } from "./channel-records";
import { verifyChannelConnection } from "./verify-channel-connection";
import { forgetWebhookChannel } from "../../ingest/channel-cache";

/**
 * "⋯" → Start for a stopped channel (F4, seed 000). The connection is verified first; a failed verification
 * keeps it stopped, is written to its history, and is refused with the reason in words.
 */
export async function startChannel({ ctx, input }: { ctx: ServiceContext & { db: Database }; input: { channelId: string } }) {
  const channel = await findCompanyChannel(ctx.db, ctx.companyId, input.channelId);
  if (channel.status !== "stopped") throw new DomainError("conflict", "channelsAdmin.error.notStopped");

  const verification = await verifyChannelConnection(channel);
  if (!verification.ok) {
    await recordChannelHistory(ctx.db, { companyId: ctx.companyId, channelId: channel.id, actorUserId: actorUserId(ctx), action: "start_refused", detail: { reason: verification.reason } });
    throw new DomainError("precondition_failed", reasonKey(verification.reason));
  }

  const now = new Date();
  const settings = { ...channel.settings, ...(channel.provider === "telegram" && verification.account?.username ? { username: verification.account.username, botName: verification.account.name } : {}) };
  const [started] = await ctx.db.transaction(async (tx) => {
    const rows = await tx
      .update(channels)
      .set({
        status: "active",
        statusReason: null,
        providerError: null,
        statusSince: now,
        authFailureCount: 0,
        settings,
        ...(verification.credentials ? { credentials: seal(verification.credentials) } : {}),
        updatedAt: now,
      })
      .where(and(eq(channels.id, channel.id), eq(channels.companyId, ctx.companyId), eq(channels.status, "stopped")))
      .returning({ id: channels.id, status: channels.status });
    if (rows.length === 0) throw new DomainError("conflict", "channelsAdmin.error.notStopped");
    await recordChannelHistory(tx, {
      companyId: ctx.companyId,
      channelId: channel.id,
      actorUserId: actorUserId(ctx),
      action: "started",
      detail: { from: channel.statusReason ?? "stopped", ...(verification.degraded ? { warning: verification.degraded } : {}), ...(verification.credentials ? { webhookRegistered: true } : {}) },
    });
    return rows;
  });
  if (verification.credentials) forgetWebhookChannel(channel.id); // a fresh webhook secret
  await announceChannel(ctx.companyId, started!);
  return { status: "active" as const, warning: verification.degraded ?? null };
}
