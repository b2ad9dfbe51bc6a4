import { and, eq } from "drizzle-orm";
import { users } from "../../../db/schema";
import { DomainError, notFound } from "../../errors";
import { terminateSessionSockets } from "../../realtime/publish";
import type { ServiceContext } from "../context";
import { endUserSessions } from "../sessions/end-sessions";

/**
 * Ends every session of a person at once, their realtime sockets included: oneself ("Sign out everywhere" on the
 * Account page, this browser too), or anyone of the company by an admin (People).
 */
export async function signOutEverywhere({ ctx, input }: { ctx: ServiceContext; input: { userId: string } }) {
  if (ctx.actor.kind !== "user") throw new DomainError("forbidden", "errors.forbidden");
  if (input.userId !== ctx.actor.userId && ctx.actor.role !== "admin") throw new DomainError("forbidden", "errors.forbidden");
  const [user] = await ctx.db.select({ id: users.id, name: users.name }).from(users).where(and(eq(users.id, input.userId), eq(users.companyId, ctx.companyId)));
  if (!user) throw notFound("user");
  const ended = await endUserSessions(ctx.db, { companyId: ctx.companyId, userId: user.id, reason: "signed_out_everywhere" });
  await terminateSessionSockets(ended);
  return { name: user.name, endedSessions: ended.length };
}
