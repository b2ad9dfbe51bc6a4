import { randomBytes } from "node:crypto";
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError } from "zod";
import { db, type Database } from "../../db";
import { isDatabaseUnavailable } from "../../db/errors";
import type { SessionUser } from "../identity/session-user";
import { DomainError, type DomainErrorCode } from "../errors";
import { logger } from "../log";
import type { ServiceContext } from "../services/context";

/** `client`: the caller's address (identity/client-address), for throttling what guesses passwords. */
export type TrpcContext = { db: Database; user: SessionUser | null; client: string };

export function createContextFor(user: SessionUser | null, client = "unknown"): TrpcContext {
  return { db, user, client };
}

/**
 * An unexpected failure gets an id: the log line carries it with the details, the answer carries only the id
 * and words in the user's language — never SQL, a path or a stack.
 */
const errorIds = new WeakMap<object, string>();
function errorIdOf(error: object): { id: string; fresh: boolean } {
  const known = errorIds.get(error);
  if (known) return { id: known, fresh: false };
  const id = randomBytes(6).toString("hex");
  errorIds.set(error, id);
  return { id, fresh: true };
}

/** Stacks never leave the server, in development either: the log has them. */
function withoutStack<T extends { stack?: string }>(data: T): Omit<T, "stack"> {
  const copy = { ...data };
  delete copy.stack;
  return copy;
}

const t = initTRPC.context<TrpcContext>().create({
  transformer: superjson,
  errorFormatter({ shape, error, path }) {
    const cause = error.cause;
    if (error.code === "INTERNAL_SERVER_ERROR" && !(cause instanceof DomainError)) {
      const { id, fresh } = errorIdOf(error);
      if (fresh) logger.error("trpc.internal_error", { path, errorId: id, error: cause ?? error });
      return { ...shape, message: INTERNAL_MESSAGE_KEY, data: { ...withoutStack(shape.data), zodError: null, messageKey: INTERNAL_MESSAGE_KEY, errorId: id } };
    }
    const data = withoutStack(shape.data);
    return {
      ...shape,
      data: {
        ...data,
        zodError: cause instanceof ZodError ? cause.flatten() : null,
        messageKey: cause instanceof DomainError ? cause.messageKey : null,
        errorId: null as string | null,
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

const INTERNAL_MESSAGE_KEY = "account.errors.internal";

/** The one place domain errors become tRPC errors. Expected 4xx are not logged as bugs; the formatter logs the rest. */
const mapErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    if (cause instanceof DomainError) {
      throw new TRPCError({ code: trpcCode[cause.code], message: cause.messageKey, cause });
    }
    // The database is away for a moment: "unavailable, try again" in words, not an internal error with an id.
    if (isDatabaseUnavailable(cause)) {
      throw new TRPCError({ code: "SERVICE_UNAVAILABLE", message: "account.errors.unavailable", cause: new DomainError("unavailable", "account.errors.unavailable") });
    }
  }
  return result;
});

/**
 * Text the database cannot store — a NUL character, half of a surrogate pair — or absurdly long is refused
 * before any procedure runs, with 400 and words; procedures' own schemas set the tighter limits they need. One
 * guard for every procedure, so a new one cannot forget it.
 */
const MAX_INPUT_STRING = 100_000;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
function unstorableText(value: unknown, depth = 0): boolean {
  if (typeof value === "string") return value.length > MAX_INPUT_STRING || value.includes("\u0000") || LONE_SURROGATE.test(value);
  if (depth > 20 || typeof value !== "object" || value === null) return false;
  for (const [key, inner] of Object.entries(value)) {
    if (unstorableText(key, depth + 1) || unstorableText(inner, depth + 1)) return true;
  }
  return false;
}
const storableInput = t.middleware(async ({ next, getRawInput }) => {
  if (unstorableText(await getRawInput())) {
    throw new TRPCError({ code: "BAD_REQUEST", message: "account.errors.badText", cause: new DomainError("invalid", "account.errors.badText") });
  }
  return next();
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

export const publicProcedure = t.procedure.use(mapErrors).use(storableInput);

/** Signed in. */
export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED" });
  return next({ ctx: { ...ctx, user: ctx.user } });
});

/** A member of a company: services get a context scoped to it. */
export const companyProcedure = protectedProcedure.use(({ ctx, next }) => {
  const service: ServiceContext & { db: Database; sessionId?: string; client: string } = {
    db: ctx.db,
    companyId: ctx.user.companyId,
    actor: { kind: "user", userId: ctx.user.id, role: ctx.user.role },
    sessionId: ctx.user.sessionId,
    client: ctx.client,
  };
  return next({ ctx: { ...ctx, service } });
});

/** Admins only: channel configuration, reconnects, the Meta wizard. */
export const adminProcedure = companyProcedure.use(({ ctx, next }) => {
  if (ctx.user.role !== "admin") throw new TRPCError({ code: "FORBIDDEN", message: "errors.forbidden" });
  return next();
});
