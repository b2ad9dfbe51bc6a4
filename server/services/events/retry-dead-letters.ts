import { and, eq, inArray, isNotNull } from "drizzle-orm";
import { inboundEvents } from "../../../db/schema";
import { wakeIngestWorker } from "../../queue/ingest-wake";
import type { ServiceContext } from "../context";
import { retryFailedPostCommitJobs } from "./post-commit-jobs";
import { processStoredEvents } from "./process-inbound-event";

/**
 * "Retry" on a dead letter (one, or every one of the company): back in the queue with a fresh attempt count, in
 * its place in its chat's provider order. Events kept only as raw bytes cannot be parsed and stay failed. "Retry
 * all" also makes the failed follow-up jobs (attachments, contact names, live updates) due again.
 */
export async function retryDeadLetters({ ctx, input }: { ctx: ServiceContext; input: { eventIds?: string[] } }) {
  const retried = await ctx.db
    .update(inboundEvents)
    .set({ status: "received", attempts: 0, failureReason: null, note: null, processedAt: null, nextAttemptAt: new Date() })
    .where(
      and(
        eq(inboundEvents.companyId, ctx.companyId),
        eq(inboundEvents.status, "failed"),
        isNotNull(inboundEvents.payload),
        input.eventIds ? inArray(inboundEvents.id, input.eventIds) : undefined,
      ),
    )
    .returning({ id: inboundEvents.id });
  const ids = retried.map((r) => r.id);
  const followUps = input.eventIds ? 0 : await retryFailedPostCommitJobs(ctx.db, ctx.companyId);
  // The worker takes them at once (the follow-ups on its next housekeeping); a process without one processes the
  // events here.
  if (ids.length && !wakeIngestWorker()) await processStoredEvents(ids);
  return { retried: ids.length + followUps };
}
