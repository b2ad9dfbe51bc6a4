import { and, eq, inArray, lt, sql } from "drizzle-orm";
import { db } from "../../../db";
import { channels, companies, inboundEvents } from "../../../db/schema";
import { adapterFor } from "../../channels/registry";
import { isLocale } from "../../i18n";
import { sqlState } from "../../webhooks/db-errors";
import { storableText } from "../../webhooks/json-safety";
import { logger } from "../../log";
import { publishToCompany } from "../../realtime/publish";
import type { RealtimeEvent } from "../../realtime/channels";
import { fillContactProfiles } from "../contacts/fill-contact-profiles";
import { fetchInboundAttachments } from "../files/fetch-inbound-attachments";
import { applyNormalizedEvents } from "./apply-normalized-events";

const MAX_ATTEMPTS = 5;

/**
 * Turns one stored webhook event into contacts, conversations and messages. Runs after the webhook was
 * acknowledged; the row lock makes concurrent runs (the route's after-hook and the sweeper) safe, and a
 * crash leaves the row `received` for the sweeper.
 */
export async function processInboundEvent(eventId: string): Promise<void> {
  let companyId: string | undefined;
  let realtime: RealtimeEvent[] = [];
  try {
    await db.transaction(async (tx) => {
      const [event] = await tx.select().from(inboundEvents).where(and(eq(inboundEvents.id, eventId), eq(inboundEvents.status, "received"))).for("update", { skipLocked: true });
      if (!event) return;
      const [found] = event.channelId
        ? await tx.select({ channel: channels, locale: companies.locale }).from(channels).innerJoin(companies, eq(companies.id, channels.companyId)).where(eq(channels.id, event.channelId))
        : [];
      const channel = found?.channel;
      const resolved = channel ? adapterFor(channel) : undefined;
      if (!channel || !resolved) {
        await tx.update(inboundEvents).set({ status: "ignored", note: "no channel or adapter", processedAt: new Date() }).where(eq(inboundEvents.id, event.id));
        return;
      }
      if (event.payload === null) {
        // Kept as raw bytes only (jsonb could not hold it): nothing to parse.
        await tx.update(inboundEvents).set({ status: "failed", note: event.note ?? "unsupported content: kept as raw bytes", processedAt: new Date() }).where(eq(inboundEvents.id, event.id));
        return;
      }
      companyId = channel.companyId;
      const parsed = resolved.adapter.parseEvent(event.payload, { locale: isLocale(found.locale) ? found.locale : undefined });
      if (!parsed.ok) {
        // An event of a shape the product does not know: failed with the reason, never retried.
        await tx.update(inboundEvents).set({ status: "failed", note: storableText(parsed.reason), processedAt: new Date() }).where(eq(inboundEvents.id, event.id));
        return;
      }
      realtime = await applyNormalizedEvents(tx, channel, parsed.events);
      const ignored = parsed.events.length === 0;
      await tx
        .update(inboundEvents)
        .set({ status: ignored ? "ignored" : "processed", note: parsed.ignoredReason ? storableText(parsed.ignoredReason) : null, processedAt: new Date(), attempts: sql`${inboundEvents.attempts} + 1` })
        .where(eq(inboundEvents.id, event.id));
    });
  } catch (error) {
    logger.error("inbound.process_failed", { eventId, error });
    // Count the attempt outside the failed transaction; give up (status failed, kept for inspection) after a few.
    await db
      .update(inboundEvents)
      .set({
        attempts: sql`${inboundEvents.attempts} + 1`,
        status: sql`case when ${inboundEvents.attempts} + 1 >= ${MAX_ATTEMPTS} then 'failed'::inbound_event_status else 'received'::inbound_event_status end`,
        // The code only: a database error's message can quote the customer's text.
        note: `processing failed (${sqlState(error) ?? (error instanceof Error ? error.name : "error")})`,
      })
      .where(eq(inboundEvents.id, eventId));
    return;
  }
  if (!companyId) return;
  await publishToCompany(companyId, realtime);
  const created = realtime.flatMap((e) => (e.name === "message.created" ? [e.data.messageId] : []));
  // Enrichment after commit: the message is already stored; a failure here only leaves a placeholder
  // name or an attachment that shows as not fetched.
  for (const [name, enrich] of [
    ["contact.profile", fillContactProfiles],
    ["attachment.fetch", fetchInboundAttachments],
  ] as const) {
    try {
      await publishToCompany(companyId, await enrich(created));
    } catch (error) {
      logger.error(`${name}_crashed`, { eventId, error });
    }
  }
}

/** The sweeper: events a crash (or a failed attempt) left in `received` for longer than `olderThanMs`. */
export async function sweepInboundEvents(olderThanMs = 10_000, limit = 50): Promise<number> {
  const stale = await db
    .select({ id: inboundEvents.id })
    .from(inboundEvents)
    .where(and(inArray(inboundEvents.status, ["received"]), lt(inboundEvents.receivedAt, new Date(Date.now() - olderThanMs))))
    .orderBy(inboundEvents.receivedAt)
    .limit(limit);
  for (const { id } of stale) await processInboundEvent(id);
  return stale.length;
}
