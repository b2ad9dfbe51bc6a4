import { and, desc, eq, sql } from "drizzle-orm";
import { channels, inboundEvents } from "../../../db/schema";
import type { ServiceContext } from "../context";
import { failedPostCommitJobs } from "./post-commit-jobs";

/** Reason codes a dead letter is shown with (ingest.reason.<code>); anything else reads as processing_error. */
export const DEAD_LETTER_REASONS = ["processing_error", "unsupported_shape", "unsupported_content", "no_channel"] as const;
export type DeadLetterReason = (typeof DEAD_LETTER_REASONS)[number];
const reasonOf = (code: string | null): DeadLetterReason => (DEAD_LETTER_REASONS as readonly string[]).includes(code ?? "") ? (code as DeadLetterReason) : "processing_error";

/**
 * Settings → Channels: webhook events that could not become messages (the dead letter), newest first, with the
 * reason in words and how many there are per reason; and the follow-up work after a message was stored (copying
 * its attachments, looking up the contact's name, the live update) that failed for good. Company-scoped; payloads
 * never leave the server.
 */
export async function listDeadLetters({ ctx, input }: { ctx: ServiceContext; input: { limit: number } }) {
  const failed = and(eq(inboundEvents.companyId, ctx.companyId), eq(inboundEvents.status, "failed"));
  const counts = await ctx.db
    .select({ reason: inboundEvents.failureReason, n: sql<number>`count(*)::int` })
    .from(inboundEvents)
    .where(failed)
    .groupBy(inboundEvents.failureReason);
  const byReason: Partial<Record<DeadLetterReason, number>> = {};
  for (const c of counts) byReason[reasonOf(c.reason)] = (byReason[reasonOf(c.reason)] ?? 0) + c.n;
  const items = await ctx.db
    .select({
      id: inboundEvents.id,
      provider: inboundEvents.provider,
      channelId: inboundEvents.channelId,
      channelName: channels.name,
      eventType: inboundEvents.eventType,
      reason: inboundEvents.failureReason,
      attempts: inboundEvents.attempts,
      receivedAt: inboundEvents.receivedAt,
      retryable: sql<boolean>`${inboundEvents.payload} is not null`,
    })
    .from(inboundEvents)
    .leftJoin(channels, eq(channels.id, inboundEvents.channelId))
    .where(failed)
    .orderBy(desc(inboundEvents.receivedAt))
    .limit(input.limit);
  const followUps = await failedPostCommitJobs(ctx.db, ctx.companyId);
  return {
    count: counts.reduce((sum, c) => sum + c.n, 0),
    followUps,
    followUpCount: Object.values(followUps).reduce((sum, n) => sum + n, 0),
    byReason,
    items: items.map((i) => ({ ...i, reason: reasonOf(i.reason) })),
  };
}
