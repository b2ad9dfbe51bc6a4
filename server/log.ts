import pino, { type DestinationStream, type Logger } from "pino";
import { env } from "./env.js";

type Level = "debug" | "info" | "warn" | "error";
/**
 * Ids, codes and sizes. `error` takes the thrown value itself: the logger keeps its type and codes only.
 * Anything else is written as given, except the redacted field names below.
 */
export type LogFields = Record<string, unknown>;

/**
 * Field names whose values are customer content or credentials, at the top level and one or two levels
 * down. Whatever a caller passes under these names is replaced before the line is written.
 */
const SENSITIVE = [
  "payload",
  "rawBody",
  "body",
  "text",
  "caption",
  "name",
  "displayName",
  "contactName",
  "firstName",
  "lastName",
  "username",
  "phone",
  "email",
  "token",
  "botToken",
  "accessToken",
  "secret",
  "webhookSecret",
  "password",
  "authorization",
  "cookie",
  "query",
  "parameters",
  "params",
];
export const REDACT_PATHS = SENSITIVE.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]);

/**
 * What is kept of a thrown value: its type and machine codes. Messages are dropped on purpose: a
 * PostgreSQL error's message can quote the offending value, postgres.js errors carry the query and its
 * parameters, and JSON.parse quotes the body it choked on.
 */
export function errorFields(error: unknown): Record<string, string | number> | undefined {
  if (error === undefined || error === null) return undefined;
  if (typeof error !== "object") return { type: typeof error };
  // drizzle wraps the driver's error (its own message quotes the SQL and the parameters): report the cause.
  const cause = (error as { cause?: unknown }).cause;
  if (cause && typeof cause === "object" && (error as { code?: unknown }).code === undefined) {
    return { ...errorFields(cause), via: error.constructor?.name ?? "Error" };
  }
  const e = error as { name?: unknown; code?: unknown; constraint_name?: unknown; constraint?: unknown; table_name?: unknown; errno?: unknown; syscall?: unknown; status?: unknown };
  const out: Record<string, string | number> = { type: typeof e.name === "string" ? e.name : (error.constructor?.name ?? "object") };
  const code = e.code ?? e.errno;
  if (typeof code === "string" || typeof code === "number") out.code = code;
  const constraint = e.constraint_name ?? e.constraint;
  if (typeof constraint === "string") out.constraint = constraint;
  if (typeof e.table_name === "string") out.table = e.table_name;
  if (typeof e.syscall === "string") out.syscall = e.syscall;
  if (typeof e.status === "number") out.status = e.status;
  return out;
}

function createPino(level: Level | "silent", destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: undefined,
    messageKey: "event",
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACT_PATHS, censor: "[redacted]" },
    serializers: { error: errorFields, err: errorFields },
  };
  if (destination) return pino(options, destination);
  // Warnings and errors go to stderr, the rest to stdout (dedupe: each line to one stream only).
  return pino(
    options,
    pino.multistream(
      [
        { level: "debug", stream: pino.destination({ dest: 1, sync: true }) },
        { level: "warn", stream: pino.destination({ dest: 2, sync: true }) },
      ],
      { dedupe: true },
    ),
  );
}

let instance: Logger | undefined;
const base = () => (instance ??= createPino(env().LOG_LEVEL));

/** Structured one-line JSON logs (pino). Callers pass ids, codes and sizes; redaction is enforced here. */
export const logger = {
  debug: (event: string, fields?: LogFields) => base().debug(fields ?? {}, event),
  info: (event: string, fields?: LogFields) => base().info(fields ?? {}, event),
  warn: (event: string, fields?: LogFields) => base().warn(fields ?? {}, event),
  error: (event: string, fields?: LogFields) => base().error(fields ?? {}, event),
};

/**
 * Tests: send every line (from `debug` up) to `write` until the returned function is called, which
 * restores the configured logger.
 */
export function captureLogs(write: (line: string) => void): () => void {
  const previous = instance;
  instance = createPino("debug", { write });
  return () => {
    instance = previous;
  };
}
