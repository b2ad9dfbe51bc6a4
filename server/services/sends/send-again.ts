import { and, eq } from "drizzle-orm";
import type { Database } from "../../../db";
import { messages, outboundSends } from "../../../db/schema";
import { DomainError, notFound } from "../../errors";
import type { RealtimeEvent } from "../../realtime/channels";
import type { ServiceContext } from "../context";

/**
 * "Send again" on a reply that may not have been delivered (its send was interrupted after the provider call):
 * the operator checked and chose to send it once more. The same message goes back in the queue, in its place.
 */
export async function sendAgain({ ctx, input }: { ctx: ServiceContext & { db: Database }; input: { messageId: string } }) {
  if (ctx.actor.kind !== "user") throw new DomainError("forbidden", "errors.forbidden");
  return ctx.db.transaction(async (tx) => {
    const [message] = await tx
      .select()
      .from(messages)
      .where(and(eq(messages.id, input.messageId), eq(messages.companyId, ctx.companyId)))
      .for("update");
    if (!message) throw notFound("message");
    if (message.deliveryStatus !== "failed" || message.failureReason !== "maybe_delivered") {
      throw new DomainError("conflict", "ingest.send.notInterrupted", "only a reply that may not have been delivered can be sent again");
    }
    await tx
      .update(outboundSends)
      .set({ status: "queued", attempts: 0, nextAttemptAt: new Date(), lockedUntil: null, lastError: null, lastErrorClass: null })
      .where(and(eq(outboundSends.messageId, message.id), eq(outboundSends.companyId, ctx.companyId)));
    await tx.update(messages).set({ deliveryStatus: "pending", failureClass: null, failureReason: null }).where(eq(messages.id, message.id));
    const realtime: RealtimeEvent[] = [{ name: "message.updated", data: { conversationId: message.conversationId, messageId: message.id } }];
    return { id: message.id, deliveryStatus: "pending" as const, realtime };
  });
}
