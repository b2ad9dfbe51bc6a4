import { eq } from "drizzle-orm";
import { savedReplies } from "../../../db/schema";
import type { ServiceContext } from "../context";
import { actingUserId, assertMayManage, cleanInput, findSavedReply, savedReplyCodeConflict, type SavedReplyInput, type SavedReplyScope } from "./saved-reply-rules";

const returned = { id: savedReplies.id, code: savedReplies.code, title: savedReplies.title, defaultLocale: savedReplies.defaultLocale, bodies: savedReplies.bodies };

export async function createSavedReply({ ctx, scope, input }: { ctx: ServiceContext; scope: SavedReplyScope; input: SavedReplyInput }) {
  assertMayManage(ctx, scope);
  const values = cleanInput(input);
  try {
    const [reply] = await ctx.db
      .insert(savedReplies)
      .values({ ...values, companyId: ctx.companyId, ownerId: scope === "company" ? null : actingUserId(ctx) })
      .returning(returned);
    return reply!;
  } catch (error) {
    return savedReplyCodeConflict(error);
  }
}

export async function updateSavedReply({ ctx, scope, input }: { ctx: ServiceContext; scope: SavedReplyScope; input: SavedReplyInput & { id: string } }) {
  assertMayManage(ctx, scope);
  const values = cleanInput(input);
  const existing = await findSavedReply(ctx.db, ctx, scope, input.id);
  try {
    const [reply] = await ctx.db
      .update(savedReplies)
      .set({ ...values, updatedAt: new Date() })
      .where(eq(savedReplies.id, existing.id))
      .returning(returned);
    return reply!;
  } catch (error) {
    return savedReplyCodeConflict(error);
  }
}

export async function deleteSavedReply({ ctx, scope, input }: { ctx: ServiceContext; scope: SavedReplyScope; input: { id: string } }) {
  assertMayManage(ctx, scope);
  const existing = await findSavedReply(ctx.db, ctx, scope, input.id);
  await ctx.db.delete(savedReplies).where(eq(savedReplies.id, existing.id));
  return { id: existing.id, code: existing.code };
}
