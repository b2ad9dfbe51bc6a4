import { eq, inArray, sql } from "drizzle-orm";
import { db as appDb, type Database } from "../../db";
import { emailDeliveries } from "../../db/schema";
import { env } from "../env.js";
import { logger } from "../log";
import { transportFromEnv, type EmailTransport } from "./resend-transport";

/** After this many failed attempts an email is `failed`, with the last error shown on the Mailbox. */
export const MAX_EMAIL_ATTEMPTS = 8;
const BACKOFF_BASE_SECONDS = 30;
const BACKOFF_CAP_SECONDS = 30 * 60;
/** A claimed email is not claimed again for this long, so a crash mid-send delays it instead of losing it. */
const LEASE_SECONDS = 60;

/** Exponential backoff, capped: 30 s, 1 min, 2 min, … 30 min. */
export function emailRetryDelaySeconds(attempts: number): number {
  return Math.min(BACKOFF_BASE_SECONDS * 2 ** Math.max(attempts - 1, 0), BACKOFF_CAP_SECONDS);
}

type Options = { db?: Database; transport?: EmailTransport | null; limit?: number; from?: string };

/**
 * One pass of the email worker: sends due emails through Resend (with the dedupe key as Idempotency-Key), or,
 * without RESEND_API_KEY, marks them `captured` so they appear on the Mailbox page. A failed send is retried
 * with backoff; after MAX_EMAIL_ATTEMPTS it is `failed` with the error. No email is ever dropped silently.
 * Returns how many emails it handled.
 */
export async function deliverDueEmails(options: Options = {}): Promise<number> {
  const db = options.db ?? appDb;
  const limit = options.limit ?? 20;
  const transport = options.transport === undefined ? transportFromEnv(env()) : options.transport;

  if (!transport) {
    const captured = await db.execute<{ id: string }>(sql`
      update ${emailDeliveries} set status = 'captured', sent_at = now(), error = null
      where ${emailDeliveries.id} in (
        select id from ${emailDeliveries} where status = 'queued' and next_attempt_at <= now()
        order by next_attempt_at limit ${limit} for update skip locked)
      returning ${emailDeliveries.id}`);
    if (captured.length > 0) logger.info("email.captured", { count: captured.length });
    return captured.length;
  }

  // Claim: count the attempt and push the next attempt past a lease, so other workers skip these rows.
  const claimed = await db.execute<{ id: string }>(sql`
    update ${emailDeliveries} set attempts = ${emailDeliveries.attempts} + 1,
      next_attempt_at = now() + make_interval(secs => ${LEASE_SECONDS})
    where ${emailDeliveries.id} in (
      select id from ${emailDeliveries} where status = 'queued' and next_attempt_at <= now()
      order by next_attempt_at limit ${limit} for update skip locked)
    returning ${emailDeliveries.id}`);
  if (claimed.length === 0) return 0;
  const rows = await db
    .select()
    .from(emailDeliveries)
    .where(inArray(emailDeliveries.id, claimed.map((r) => r.id)))
    .orderBy(emailDeliveries.createdAt);
  const from = options.from ?? env().EMAIL_FROM;

  for (const [i, email] of rows.entries()) {
    const outcome = await transport
      .send({ from, to: email.toAddress, subject: email.subject, html: email.html, text: email.textBody, idempotencyKey: email.dedupeKey })
      .catch((error: unknown) => ({ ok: false as const, retryable: true, error: error instanceof Error ? error.message : String(error) }));
    if (outcome.ok) {
      await db
        .update(emailDeliveries)
        .set({ status: "sent", sentAt: new Date(), providerMessageId: outcome.providerMessageId, error: null })
        .where(eq(emailDeliveries.id, email.id));
      logger.info("email.sent", { emailId: email.id, companyId: email.companyId, kind: email.kind });
      continue;
    }
    const giveUp = !outcome.retryable || email.attempts >= MAX_EMAIL_ATTEMPTS;
    await db
      .update(emailDeliveries)
      .set(
        giveUp
          ? { status: "failed", error: outcome.error }
          : { error: outcome.error, nextAttemptAt: new Date(Date.now() + emailRetryDelaySeconds(email.attempts) * 1000) },
      )
      .where(eq(emailDeliveries.id, email.id));
    logger.warn(giveUp ? "email.failed" : "email.retry_scheduled", { emailId: email.id, companyId: email.companyId, kind: email.kind, attempt: email.attempts });
    if (outcome.retryable && i < rows.length - 1) {
      // Resend is failing or not answering: the rest of this claim would each wait out the same failure (and outlive
      // their lease). They go back, their attempt not counted, for the next pass after the first backoff.
      const rest = rows.slice(i + 1).map((r) => r.id);
      await db
        .update(emailDeliveries)
        .set({ attempts: sql`${emailDeliveries.attempts} - 1`, nextAttemptAt: new Date(Date.now() + BACKOFF_BASE_SECONDS * 1000) })
        .where(inArray(emailDeliveries.id, rest));
      return i + 1;
    }
  }
  return rows.length;
}
