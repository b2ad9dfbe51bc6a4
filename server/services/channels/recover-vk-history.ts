import { and, eq, inArray, sql } from "drizzle-orm";
import type { Database } from "../../../db";
import { channelIncidents, channels, messages } from "../../../db/schema";
import { missedVkMessages, type VkRawMessage } from "../../channels/vk/history";
import { parseVkCallback, vkDedupeKey } from "../../channels/vk/parse";
import { env } from "../../env.js";
import { logger } from "../../log";
import { storeInboundEvent } from "../../ingest/store-event";
import type { ServiceContext } from "../context";
import { processInboundEvent } from "../events/process-inbound-event";

/** found: missed messages in the provider's history; processed: handled so far; recovered: of those, stored now. */
export type RecoveryProgress = { found: number; processed: number; recovered: number };

export type RecoverVkHistoryResult = {
  recoveredCount: number;
  truncated: boolean;
};

/**
 * The Callback notification VK would have sent for a customer's message (API ≥ 5.103: `{message, client_info}`),
 * with an event id of its own per conversation message, so recovering twice stores it once.
 */
export function vkBackfillEnvelope(groupId: string, message: VkRawMessage, key: string) {
  return {
    type: "message_new",
    event_id: `backfill:${key}`,
    v: env().VK_API_VERSION,
    group_id: Number(groupId),
    object: { message, client_info: {} },
  };
}

/**
 * Recovers what customers wrote to the community in `window` and never reached us (F8, F13; seed 003: "messages
 * missed in the last 24 hours arrive in the line"). Each missed message goes the way of a live `message_new`:
 * stored as an inbound event (the webhook's store, deduped on community + event id), then processed, and keyed
 * as the live parser keys it (peer + conversation_message_id), so a message that also comes by a late Callback
 * retry is stored once. Returns how many messages were stored now, and records it on the resolved incident.
 * A VK failure halfway keeps what was recovered and is logged: the reconnect itself has succeeded.
 */
export async function recoverVkHistory(opts: {
  ctx: ServiceContext & { db: Database };
  channelId: string;
  accessToken: string;
  window: { since: Date; until: Date };
  incidentId: string | null;
  pace: () => Promise<void>;
  /** Told how many missed messages were found and how many are handled so far (the job's progress). */
  onProgress?: (progress: RecoveryProgress) => Promise<void>;
}): Promise<RecoverVkHistoryResult> {
  const { ctx, channelId } = opts;
  const [channel] = await ctx.db
    .select()
    .from(channels)
    .where(and(eq(channels.id, channelId), eq(channels.companyId, ctx.companyId)));
  if (!channel) return { recoveredCount: 0, truncated: false };
  const groupId = channel.externalId;
  const log = { companyId: ctx.companyId, channelId, provider: "vk" };

  let found;
  try {
    found = await missedVkMessages(
      opts.accessToken,
      groupId,
      {
        since: Math.floor(opts.window.since.getTime() / 1000),
        until: Math.ceil(opts.window.until.getTime() / 1000),
      },
      opts.pace,
    );
  } catch (error) {
    logger.warn("channels.vk_recovery_failed", {
      ...log,
      error: error instanceof Error ? error.message : String(error),
    });
    return { recoveredCount: 0, truncated: true };
  }

  // The key each message gets from the live parser, so the recovered ones match what webhooks stored.
  const candidates = found.messages.flatMap((message) => {
    const probe = parseVkCallback(vkBackfillEnvelope(groupId, message, "probe"), groupId);
    const event = probe.ok ? probe.events[0] : undefined;
    return event?.kind === "message" ? [{ message, key: event.providerMessageId }] : [];
  });
  const keys = [...new Set(candidates.map((c) => c.key))];
  const storedKeys = async () =>
    keys.length === 0
      ? new Set<string>()
      : new Set(
          (
            await ctx.db
              .select({ key: messages.providerMessageId })
              .from(messages)
              .where(and(eq(messages.channelId, channelId), eq(messages.companyId, ctx.companyId), inArray(messages.providerMessageId, keys)))
          ).map((r) => r.key),
        );
  const before = await storedKeys();

  let processed = 0;
  let stored = 0;
  await opts.onProgress?.({ found: candidates.length, processed, recovered: stored });
  for (const { message, key } of candidates) {
    if (processed > 0) await opts.onProgress?.({ found: candidates.length, processed, recovered: stored });
    processed++;
    if (before.has(key)) continue;
    const envelope = vkBackfillEnvelope(groupId, message, key);
    const saved = await storeInboundEvent(channel, {
      dedupeKey: vkDedupeKey(groupId, envelope.event_id),
      eventType: "message_new",
      payload: envelope,
      raw: Buffer.from(JSON.stringify(envelope), "utf8"),
    });
    if (!saved.ok) {
      logger.warn("channels.vk_recovery_store_failed", log);
      break;
    }
    if (saved.id && saved.status === "received") {
      await processInboundEvent(saved.id);
      stored++;
    }
  }

  await opts.onProgress?.({ found: candidates.length, processed, recovered: stored });
  const after = await storedKeys();
  const recoveredCount = keys.filter((k) => after.has(k) && !before.has(k)).length;
  if (opts.incidentId && recoveredCount > 0) {
    await ctx.db
      .update(channelIncidents)
      .set({
        recoveredCount: sql`${channelIncidents.recoveredCount} + ${recoveredCount}`,
      })
      .where(and(eq(channelIncidents.id, opts.incidentId), eq(channelIncidents.companyId, ctx.companyId)));
  }
  logger.info("channels.vk_recovered", {
    ...log,
    recovered: recoveredCount,
    candidates: candidates.length,
    peers: found.peers,
    truncated: found.truncated,
  });
  return { recoveredCount, truncated: found.truncated };
}
