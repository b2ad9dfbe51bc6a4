import { eq } from "drizzle-orm";
import { users } from "../../../db/schema";
import type { ServiceContext } from "../context";
import { lockCompanyUser } from "./people-rules";

/** Lets a deactivated person sign in again (with their old password, or their invitation if they never set one). */
export async function reactivatePerson({ ctx, input }: { ctx: ServiceContext; input: { userId: string } }) {
  return ctx.db.transaction(async (tx) => {
    const user = await lockCompanyUser(tx, ctx.companyId, input.userId);
    const [updated] = await tx.update(users).set({ deactivatedAt: null }).where(eq(users.id, user.id)).returning({ id: users.id, name: users.name });
    return updated!;
  });
}
