import { and, eq } from "drizzle-orm";
import { channels, lines } from "../../../db/schema";
import { notFound } from "../../errors";
import type { ServiceContext } from "../context";

/**
 * Deletes a line. Its channels stay connected with no line and its conversations are kept: both foreign keys
 * are `on delete set null`. Returns which channels were left without a line, so the caller can say so.
 */
export async function deleteLine({ ctx, input }: { ctx: ServiceContext; input: { lineId: string } }) {
  return ctx.db.transaction(async (tx) => {
    const [line] = await tx.select({ id: lines.id, name: lines.name }).from(lines).where(and(eq(lines.id, input.lineId), eq(lines.companyId, ctx.companyId))).for("update");
    if (!line) throw notFound("line");
    const detached = await tx
      .select({ id: channels.id, name: channels.name })
      .from(channels)
      .where(and(eq(channels.lineId, line.id), eq(channels.companyId, ctx.companyId)));
    await tx.delete(lines).where(eq(lines.id, line.id));
    return { ...line, detachedChannels: detached };
  });
}
