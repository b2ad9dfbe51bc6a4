import { and, count, desc, eq, ilike, or, type SQL } from "drizzle-orm";
import { contacts } from "../../../db/schema";
import type { ServiceContext } from "../context";
import { findCompanyChannel } from "../channels/channel-records";

export const CONTACTS_PAGE_SIZE = 20;

/** `%` and `_` are LIKE wildcards: a search for "50%" means the characters. */
const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** A channel's customers, newest first, searched by name or username (F7: the admin bans and unbans here). */
export async function listChannelContacts({ ctx, input }: { ctx: ServiceContext; input: { channelId: string; search?: string; page: number } }) {
  const channel = await findCompanyChannel(ctx.db, ctx.companyId, input.channelId);
  const search = input.search?.trim();
  const where: SQL | undefined = and(
    eq(contacts.companyId, ctx.companyId),
    eq(contacts.channelId, channel.id),
    search ? or(ilike(contacts.displayName, likePattern(search)), ilike(contacts.username, likePattern(search))) : undefined,
  );
  const [{ total } = { total: 0 }] = await ctx.db.select({ total: count() }).from(contacts).where(where);
  const page = Math.max(1, input.page);
  const items = await ctx.db
    .select({
      id: contacts.id,
      displayName: contacts.displayName,
      username: contacts.username,
      chatKind: contacts.chatKind,
      bannedAt: contacts.bannedAt,
      blockedUsAt: contacts.blockedUsAt,
      endedAt: contacts.endedAt,
      createdAt: contacts.createdAt,
    })
    .from(contacts)
    .where(where)
    .orderBy(desc(contacts.createdAt), desc(contacts.id))
    .limit(CONTACTS_PAGE_SIZE)
    .offset((page - 1) * CONTACTS_PAGE_SIZE);
  return { items, total, page, pageSize: CONTACTS_PAGE_SIZE };
}
