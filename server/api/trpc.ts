import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError } from "zod";
import { db, type Database } from "../../db";
import type { SessionUser } from "../identity/session-user";
import { DomainError, type DomainErrorCode } from "../errors";
import { logger } from "../log";
import type { ServiceContext } from "../services/context";

export type TrpcContext = { db: Database; user: SessionUser | null };

export function createContextFor(user: SessionUser | null): TrpcContext {
  return { db, user };
}

const t = initTRPC.context<TrpcContext>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    return {
      ...shape,
      data: {
        ...shape.data,
        zodError: cause instanceof ZodError ? cause.flatten() : null,
        messageKey: cause instanceof DomainError ? cause.messageKey : null,
      },
    };
  },
});

const trpcCode: Record<DomainErrorCode, TRPCError["code"]> = {
  not_found: "NOT_FOUND",
  forbidden: "FORBIDDEN",
  conflict: "CONFLICT",
  invalid: "BAD_REQUEST",
  precondition_failed: "PRECONDITION_FAILED",
  unavailable: "SERVICE_UNAVAILABLE",
};

/** The one place domain errors become tRPC errors. Expected 4xx are not logged as bugs. */
const mapErrors = t.middleware(async ({ next, path }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    if (cause instanceof DomainError) {
      throw new TRPCError({ code: trpcCode[cause.code], message: cause.messageKey, cause });
    }
    if (result.error.code === "INTERNAL_SERVER_ERROR") logger.error("trpc.internal_error", { path, error: result.error.cause ?? result.error });
  }
  return result;
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

export const publicProcedure = t.procedure.use(mapErrors);

/** Signed in. */
export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED" });
  return next({ ctx: { ...ctx, user: ctx.user } });
});

/** A member of a company: services get a context scoped to it. */
export const companyProcedure = protectedProcedure.use(({ ctx, next }) => {
  const service: ServiceContext & { db: Database } = {
    db: ctx.db,
    companyId: ctx.user.companyId,
    actor: { kind: "user", userId: ctx.user.id, role: ctx.user.role },
  };
  return next({ ctx: { ...ctx, service } });
});

/** Admins only: channel configuration, reconnects, the Meta wizard. */
export const adminProcedure = companyProcedure.use(({ ctx, next }) => {
  if (ctx.user.role !== "admin") throw new TRPCError({ code: "FORBIDDEN", message: "errors.forbidden" });
  return next();
});
