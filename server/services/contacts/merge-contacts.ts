import { and, eq, inArray, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db";
import { auditEvents, contacts } from "../../../db/schema";
import { DomainError, forbidden, notFound } from "../../errors";
import type { RealtimeEvent } from "../../realtime/channels";
import type { ServiceContext } from "../context";

/**
 * Merges and splits of a company's contacts take turns: each moves a whole person's contacts by person_id, and two
 * at once could each miss the rows the other moved (an UPDATE does not see rows that matched only after its
 * snapshot). An admin's merge is rare, so one transaction-scoped lock per company costs nothing.
 */
export async function lockCompanyPersons(tx: DbOrTx, companyId: string) {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`contacts.person:${companyId}`}, 0))`);
}

function requireAdmin(ctx: ServiceContext) {
  if (ctx.actor.kind !== "user" || ctx.actor.role !== "admin") throw forbidden();
}

const actorOf = (ctx: ServiceContext) => (ctx.actor.kind === "user" ? ctx.actor.userId : null);

/**
 * Admins: the two contacts are the same person (on two channels, or twice on one). Every contact of the other's
 * person joins this contact's person, so the contact panel lists all their conversations together. Conversations
 * keep their own contact and channel: replies still go out where the customer wrote. Audited (who, when, which
 * contact), as is a split.
 */
export async function mergeContacts({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { contactId: string; otherContactId: string };
}): Promise<{ personId: string; moved: number; realtime: RealtimeEvent[] }> {
  requireAdmin(ctx);
  return ctx.db.transaction(async (tx) => {
    await lockCompanyPersons(tx, ctx.companyId);
    const found = await tx
      .select({ id: contacts.id, personId: contacts.personId })
      .from(contacts)
      .where(and(eq(contacts.companyId, ctx.companyId), inArray(contacts.id, [input.contactId, input.otherContactId])));
    const keep = found.find((c) => c.id === input.contactId);
    const other = found.find((c) => c.id === input.otherContactId);
    if (!keep || !other) throw notFound("contact");
    if (keep.personId === other.personId) throw new DomainError("conflict", "contacts.error.alreadyMerged");
    const moved = await tx
      .update(contacts)
      .set({ personId: keep.personId, updatedAt: new Date() })
      .where(and(eq(contacts.companyId, ctx.companyId), eq(contacts.personId, other.personId)))
      .returning({ id: contacts.id });
    await tx.insert(auditEvents).values({ companyId: ctx.companyId, actorUserId: actorOf(ctx), action: "contact.merged", subjectId: other.id });
    return {
      personId: keep.personId,
      moved: moved.length,
      realtime: [{ name: "contact.updated", data: { contactId: keep.id, conversationIds: [], personIds: [keep.personId, other.personId] } }],
    };
  });
}

/** Admins: a merged contact is a person of its own again (with the notes written on it). */
export async function splitContact({ ctx, input }: { ctx: ServiceContext; input: { contactId: string } }): Promise<{ personId: string; realtime: RealtimeEvent[] }> {
  requireAdmin(ctx);
  return ctx.db.transaction(async (tx) => {
    await lockCompanyPersons(tx, ctx.companyId);
    const [contact] = await tx
      .select({ id: contacts.id, personId: contacts.personId })
      .from(contacts)
      .where(and(eq(contacts.id, input.contactId), eq(contacts.companyId, ctx.companyId)));
    if (!contact) throw notFound("contact");
    const [{ n } = { n: 0 }] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(contacts)
      .where(and(eq(contacts.companyId, ctx.companyId), eq(contacts.personId, contact.personId)));
    if (n < 2) throw new DomainError("conflict", "contacts.error.notMerged");
    const [updated] = await tx
      .update(contacts)
      .set({ personId: sql`gen_random_uuid()`, updatedAt: new Date() })
      .where(and(eq(contacts.id, contact.id), eq(contacts.companyId, ctx.companyId)))
      .returning({ personId: contacts.personId });
    await tx.insert(auditEvents).values({ companyId: ctx.companyId, actorUserId: actorOf(ctx), action: "contact.split", subjectId: contact.id });
    return {
      personId: updated!.personId,
      realtime: [{ name: "contact.updated", data: { contactId: contact.id, conversationIds: [], personIds: [contact.personId, updated!.personId] } }],
    };
  });
}
