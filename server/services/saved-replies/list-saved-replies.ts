import { and, asc, eq, isNull, or, sql } from "drizzle-orm";
import { savedReplies } from "../../../db/schema";
import type { ServiceContext } from "../context";
import { actingUserId } from "./saved-reply-rules";

/** For the settings page: the company's replies and the caller's own, by code; nobody else's personal ones. */
export async function listSavedReplies({ ctx }: { ctx: ServiceContext }) {
  const rows = await ctx.db
    .select({ id: savedReplies.id, code: savedReplies.code, title: savedReplies.title, defaultLocale: savedReplies.defaultLocale, bodies: savedReplies.bodies, personal: sql<boolean>`${savedReplies.ownerId} is not null` })
    .from(savedReplies)
    .where(and(eq(savedReplies.companyId, ctx.companyId), or(isNull(savedReplies.ownerId), eq(savedReplies.ownerId, actingUserId(ctx)))))
    .orderBy(asc(savedReplies.code), asc(savedReplies.ownerId));
  return rows.map(({ personal, ...row }) => ({ ...row, scope: personal ? ("personal" as const) : ("company" as const) }));
}
