import { and, eq } from "drizzle-orm";
import { lines } from "../../../db/schema";
import { notFound } from "../../errors";
import type { ServiceContext } from "../context";
import { lineNameConflict } from "./line-rules";

export async function renameLine({ ctx, input }: { ctx: ServiceContext; input: { lineId: string; name: string } }) {
  try {
    const [line] = await ctx.db
      .update(lines)
      .set({ name: input.name.trim() })
      .where(and(eq(lines.id, input.lineId), eq(lines.companyId, ctx.companyId)))
      .returning({ id: lines.id, name: lines.name });
    if (!line) throw notFound("line");
    return line;
  } catch (error) {
    return lineNameConflict(error);
  }
}
