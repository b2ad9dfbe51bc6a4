import { desc, eq } from "drizzle-orm";
import { emailDeliveries } from "../../../db/schema";
import { env } from "../../env.js";
import type { ServiceContext } from "../context";

const PAGE = 200;

/** The Mailbox: every email of the company, newest first, with its status and last error. Bodies stay out. */
export async function listEmails({ ctx }: { ctx: ServiceContext }) {
  const emails = await ctx.db
    .select({
      id: emailDeliveries.id,
      kind: emailDeliveries.kind,
      toAddress: emailDeliveries.toAddress,
      subject: emailDeliveries.subject,
      status: emailDeliveries.status,
      attempts: emailDeliveries.attempts,
      nextAttemptAt: emailDeliveries.nextAttemptAt,
      error: emailDeliveries.error,
      createdAt: emailDeliveries.createdAt,
      sentAt: emailDeliveries.sentAt,
    })
    .from(emailDeliveries)
    .where(eq(emailDeliveries.companyId, ctx.companyId))
    .orderBy(desc(emailDeliveries.createdAt), desc(emailDeliveries.id))
    .limit(PAGE);
  return { emails, resendConfigured: Boolean(env().RESEND_API_KEY) };
}
