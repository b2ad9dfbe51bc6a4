import { and, asc, eq, ilike, isNull, or, sql } from "drizzle-orm";
import { companies, contacts, conversations, savedReplies, users } from "../../../db/schema";
import { notFound } from "../../errors";
import type { ServiceContext } from "../context";
import { actingUserId } from "./saved-reply-rules";
import { chooseVariant, firstName, renderTemplate, SAVED_REPLY_LOCALES, type SavedReplyLocale, type TemplateValues } from "./template";

/** The picker shows a screenful; a longer list is narrowed by typing. */
export const SAVED_REPLY_SEARCH_LIMIT = 20;

/** `%` and `_` typed by a person are letters, not patterns. */
const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * The composer's picker: the company's replies and the caller's own whose code, title or text contains the
 * query, each rendered for the conversation (its contact, the operator, the company) in every language it has,
 * with the variant to offer first: the customer's language, else the company's email language.
 */
export async function searchSavedReplies({ ctx, input }: { ctx: ServiceContext; input: { conversationId: string; query: string } }) {
  const userId = actingUserId(ctx);
  const [about] = await ctx.db
    .select({ contactName: contacts.displayName, contactLanguage: contacts.languageCode, companyName: companies.name, companyLocale: companies.locale })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .innerJoin(companies, eq(companies.id, conversations.companyId))
    .where(and(eq(conversations.id, input.conversationId), eq(conversations.companyId, ctx.companyId)));
  if (!about) throw notFound("conversation");
  const [operator] = await ctx.db.select({ name: users.name }).from(users).where(and(eq(users.id, userId), eq(users.companyId, ctx.companyId)));

  const query = input.query.trim().replace(/^\/+/, "");
  const pattern = likePattern(query);
  const matches = query
    ? or(
        ilike(savedReplies.code, pattern),
        ilike(savedReplies.title, pattern),
        sql`exists (select 1 from jsonb_each_text(${savedReplies.bodies}) as b where b.value ilike ${pattern})`,
      )
    : undefined;
  const rows = await ctx.db
    .select({ id: savedReplies.id, code: savedReplies.code, title: savedReplies.title, defaultLocale: savedReplies.defaultLocale, bodies: savedReplies.bodies, ownerId: savedReplies.ownerId })
    .from(savedReplies)
    .where(and(eq(savedReplies.companyId, ctx.companyId), or(isNull(savedReplies.ownerId), eq(savedReplies.ownerId, userId)), matches))
    // A code that starts with what was typed first, then the rest by code; the person's own before the company's.
    .orderBy(sql`${savedReplies.code} not like ${`${query.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`}`, asc(savedReplies.code), sql`${savedReplies.ownerId} is null`)
    .limit(SAVED_REPLY_SEARCH_LIMIT);

  const values: TemplateValues = {
    "contact.name": about.contactName,
    "contact.first_name": firstName(about.contactName),
    "operator.name": operator?.name ?? "",
    "company.name": about.companyName,
  };
  const preferred = [about.contactLanguage, about.companyLocale];
  return {
    language: about.contactLanguage,
    replies: rows.map((row) => {
      const variants = SAVED_REPLY_LOCALES.filter((locale) => row.bodies[locale]).map((locale) => ({ locale, text: renderTemplate(row.bodies[locale]!, values).text }));
      const offered: SavedReplyLocale = chooseVariant(
        variants.map((v) => v.locale),
        row.defaultLocale,
        preferred,
      );
      return { id: row.id, code: row.code, title: row.title, scope: row.ownerId ? ("personal" as const) : ("company" as const), variants, offered };
    }),
  };
}
