import { and, eq } from "drizzle-orm";
import { emailDeliveries } from "../../../db/schema";
import { notFound } from "../../errors";
import type { ServiceContext } from "../context";

/** One email of the company as it was sent: the HTML (shown in a sandboxed frame) and the text version. */
export async function getEmail({ ctx, input }: { ctx: ServiceContext; input: { emailId: string } }) {
  const [email] = await ctx.db
    .select({
      id: emailDeliveries.id,
      kind: emailDeliveries.kind,
      toAddress: emailDeliveries.toAddress,
      subject: emailDeliveries.subject,
      html: emailDeliveries.html,
      textBody: emailDeliveries.textBody,
      status: emailDeliveries.status,
      attempts: emailDeliveries.attempts,
      nextAttemptAt: emailDeliveries.nextAttemptAt,
      providerMessageId: emailDeliveries.providerMessageId,
      error: emailDeliveries.error,
      createdAt: emailDeliveries.createdAt,
      sentAt: emailDeliveries.sentAt,
    })
    .from(emailDeliveries)
    .where(and(eq(emailDeliveries.id, input.emailId), eq(emailDeliveries.companyId, ctx.companyId)));
  if (!email) throw notFound("email");
  return email;
}
