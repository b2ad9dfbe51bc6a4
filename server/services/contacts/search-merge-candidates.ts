import { and, desc, eq, ilike, ne, or } from "drizzle-orm";
import { channels, contacts } from "../../../db/schema";
import { notFound } from "../../errors";
import type { ServiceContext } from "../context";

export const MERGE_CANDIDATES = 10;

/** `%` and `_` are LIKE wildcards: a search for "50%" means the characters. */
const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * Who a contact could be merged with: the company's contacts whose name or handle holds the words typed, on any
 * channel, leaving out the contact's own person (already merged). Newest first.
 */
export async function searchMergeCandidates({ ctx, input }: { ctx: ServiceContext; input: { contactId: string; q: string } }) {
  const [contact] = await ctx.db
    .select({ personId: contacts.personId })
    .from(contacts)
    .where(and(eq(contacts.id, input.contactId), eq(contacts.companyId, ctx.companyId)));
  if (!contact) throw notFound("contact");
  const q = input.q.trim().replace(/^@/, "");
  if (!q) return [];
  return ctx.db
    .select({
      id: contacts.id,
      displayName: contacts.displayName,
      username: contacts.username,
      firstSeenAt: contacts.createdAt,
      channel: { id: channels.id, name: channels.name, provider: channels.provider },
    })
    .from(contacts)
    .innerJoin(channels, eq(channels.id, contacts.channelId))
    .where(
      and(
        eq(contacts.companyId, ctx.companyId),
        ne(contacts.personId, contact.personId),
        or(ilike(contacts.displayName, likePattern(q)), ilike(contacts.username, likePattern(q))),
      ),
    )
    .orderBy(desc(contacts.createdAt), desc(contacts.id))
    .limit(MERGE_CANDIDATES);
}
