import { and, eq, isNull } from "drizzle-orm";
import type { DbOrTx } from "../../../db";
import { savedReplies, type SavedReplyBodies } from "../../../db/schema";
import { DomainError, forbidden, notFound } from "../../errors";
import type { ServiceContext } from "../context";
import { isUniqueViolation } from "../users/unique-violation";
import { SAVED_REPLY_LOCALES, unknownVariables, type SavedReplyLocale } from "./template";

/** Company-wide (admins manage them) or the acting person's own. */
export type SavedReplyScope = "company" | "personal";

export type SavedReplyInput = { code: string; title: string; defaultLocale: SavedReplyLocale; bodies: SavedReplyBodies };

export function actingUserId(ctx: ServiceContext): string {
  if (ctx.actor.kind !== "user") throw forbidden();
  return ctx.actor.userId;
}

/** Who may change replies of a scope: admins the company's, everyone their own. The router says so too. */
export function assertMayManage(ctx: ServiceContext, scope: SavedReplyScope) {
  actingUserId(ctx);
  if (scope === "company" && (ctx.actor.kind !== "user" || ctx.actor.role !== "admin")) throw forbidden();
}

/** `/Refund` and `refund` are the same code: stored without the slash, in lower case. */
export function normalizeCode(code: string): string {
  return code.trim().replace(/^\/+/, "").toLowerCase();
}

/**
 * What is stored: empty variants dropped, the default variant present, and no variable a conversation cannot
 * fill (said in words, naming it, rather than sent to a customer as braces).
 */
export function cleanInput(input: SavedReplyInput) {
  const bodies: SavedReplyBodies = {};
  for (const locale of SAVED_REPLY_LOCALES) {
    const body = input.bodies[locale]?.trim();
    if (body) bodies[locale] = body;
  }
  if (!bodies[input.defaultLocale]) throw new DomainError("invalid", "savedReplies.errors.defaultMissing");
  for (const body of Object.values(bodies)) {
    const [unknown] = unknownVariables(body);
    if (unknown !== undefined) throw new DomainError("invalid", "savedReplies.errors.unknownVariable");
  }
  return { code: normalizeCode(input.code), title: input.title.trim(), defaultLocale: input.defaultLocale, bodies };
}

/** A reply of the scope in the caller's company (and theirs, when personal); any other is "not found". */
export async function findSavedReply(db: DbOrTx, ctx: ServiceContext, scope: SavedReplyScope, id: string) {
  const owner = scope === "company" ? isNull(savedReplies.ownerId) : eq(savedReplies.ownerId, actingUserId(ctx));
  const [reply] = await db.select().from(savedReplies).where(and(eq(savedReplies.id, id), eq(savedReplies.companyId, ctx.companyId), owner));
  if (!reply) throw notFound("saved reply");
  return reply;
}

/** Codes are unique per scope (the company's, each person's own): the indexes say so, and so do we, in words. */
export function savedReplyCodeConflict(error: unknown): never {
  if (isUniqueViolation(error, "saved_replies_company_code_unique") || isUniqueViolation(error, "saved_replies_owner_code_unique")) {
    throw new DomainError("conflict", "savedReplies.errors.codeTaken");
  }
  throw error;
}
