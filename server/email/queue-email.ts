import { and, eq } from "drizzle-orm";
import type { DbOrTx } from "../../db";
import { companies, emailDeliveries } from "../../db/schema";
import { DEFAULT_TIME_ZONE, isLocale, isTimeZone, type Locale } from "../i18n";
import type { EmailTemplate } from "./templates";

export type QueueEmailInput = {
  /** What the email is about, shown on the Mailbox: "invitation", "connection_lost", … */
  kind: string;
  /**
   * Idempotency: one email per key, ever (e.g. `connection_lost:<incident id>`). Queuing the same key again
   * does nothing; the key is also Resend's Idempotency-Key, so a retried send is never delivered twice.
   */
  dedupeKey: string;
  to: string;
  template: EmailTemplate;
  /**
   * The recipient's own language, for an email to one person who chose one (a password reset). Omitted, the email
   * is in the company's email language (Settings → Company): alerts, invitations, anyone who has not chosen.
   */
  locale?: Locale | null;
  incidentId?: string | null;
} & ({ ctx: { db: DbOrTx; companyId: string } } | { db: DbOrTx; companyId: string });

export type QueuedEmail = { id: string; queued: boolean };

/**
 * Renders the email in its language, times in the company's time zone, and stores it as `queued` in the caller's transaction, so an email
 * exists exactly when what it reports was committed. The delivery step (deliverDueEmails, run by the job
 * runner) sends it through Resend, or marks it captured for the Mailbox page when Resend is not configured.
 * Returns `queued: false` with the existing row when the dedupe key was already used.
 */
export async function queueEmail(input: QueueEmailInput): Promise<QueuedEmail> {
  const { db, companyId } = "ctx" in input ? input.ctx : input;
  const [company] = await db.select({ locale: companies.locale, timeZone: companies.timeZone }).from(companies).where(eq(companies.id, companyId));
  const locale: Locale = input.locale ?? (isLocale(company?.locale) ? company.locale : "en");
  // Every time in every email is in the company's time zone, named beside it: never the server's clock.
  // The templates and their renderer load with the first email, not with every module that may queue one.
  const { renderEmail } = await import("./render-email");
  const rendered = await renderEmail(input.template, locale, isTimeZone(company?.timeZone) ? company.timeZone : DEFAULT_TIME_ZONE);
  const [row] = await db
    .insert(emailDeliveries)
    .values({
      companyId,
      incidentId: input.incidentId ?? null,
      dedupeKey: input.dedupeKey,
      kind: input.kind,
      toAddress: input.to,
      subject: rendered.subject,
      html: rendered.html,
      textBody: rendered.text,
    })
    .onConflictDoNothing({ target: emailDeliveries.dedupeKey })
    .returning({ id: emailDeliveries.id });
  if (row) return { id: row.id, queued: true };
  const [existing] = await db
    .select({ id: emailDeliveries.id })
    .from(emailDeliveries)
    .where(and(eq(emailDeliveries.dedupeKey, input.dedupeKey), eq(emailDeliveries.companyId, companyId)));
  if (!existing) throw new Error(`email dedupe key ${input.dedupeKey} belongs to another company`);
  return { id: existing.id, queued: false };
}
