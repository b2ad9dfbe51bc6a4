import { z } from "zod";

/*
 * Reading provider shapes: strict where the product needs the field (who wrote, which chat, which message, what
 * text or media), liberal everywhere else. Real senders differ from the docs: serializers that write every
 * optional field as `null` (Telegram.Bot, Newtonsoft), test rigs and proxies that send times as ISO text or
 * seconds-as-strings. A customer's message must never be refused over a field nobody reads.
 */

const nullAsAbsent = (v: unknown) => (v === null ? undefined : v);

/** An optional field read by `schema`, where `null` means absent; any other value must still fit. */
export function optionalNullable<T extends z.ZodType>(schema: T) {
  return z.preprocess(nullAsAbsent, schema.optional());
}

/** A field the product can do without: its value when it fits `schema`, absent when it does not. */
export function lenient<T extends z.ZodType>(schema: T) {
  return z
    .unknown()
    .transform((v): z.output<T> | undefined => {
      const read = schema.safeParse(v);
      return read.success ? read.data : undefined;
    })
    .optional();
}

export const lenientString = lenient(z.string());
export const lenientBoolean = lenient(z.boolean());

/** An integer given as a number or as decimal digits; absent when it is anything else or beyond 2^53. */
export function readInteger(v: unknown): number | undefined {
  const n = typeof v === "number" ? v : typeof v === "string" && /^-?\d{1,16}$/.test(v.trim()) ? Number(v.trim()) : undefined;
  return n !== undefined && Number.isSafeInteger(n) ? n : undefined;
}
export const lenientInt = z.unknown().transform(readInteger).optional();

/**
 * The latest instant taken as a time: 1e13 ms is November 2286. Beyond it a value is not a time (and would not
 * fit a bigint sequence or a timestamptz column anyway).
 */
export const MAX_EPOCH_MS = 1e13;
/** Below 1e11 a number is seconds (1e11 ms would be 1973; 1e11 s is the year 5138). */
const SECONDS_BELOW = 1e11;

const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

function isoMs(s: string): number | undefined {
  const m = ISO_8601.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h = "0", mi = "0", sec = "0", frac = "", zone = "Z"] = m;
  const parts = [Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec)] as const;
  if (parts[1] > 11 || parts[3] > 23 || parts[4] > 59 || parts[5] > 60) return undefined;
  const local = Date.UTC(...parts, Number(frac.padEnd(3, "0").slice(0, 3)));
  // Date.UTC rolls 31 February over into March: such a date is not a date.
  if (new Date(local).getUTCDate() !== parts[2]) return undefined;
  // A time without an offset is taken as UTC, never as this server's local time.
  const offset = zone.toUpperCase() === "Z" ? 0 : (zone[0] === "-" ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.replace(":", "").slice(3, 5) || "0"));
  return local - offset * 60_000;
}

/**
 * An instant in epoch milliseconds from whatever a sender put there: seconds or milliseconds, as a number or as
 * digits, or an ISO 8601 date ("2021-09-08T06:34:04+0000"). Undefined when it is none of these or not a possible
 * time (not after 1970, or beyond MAX_EPOCH_MS): the caller uses the time the event was received instead.
 */
export function readEpochMs(v: unknown): number | undefined {
  let n: number | undefined;
  if (typeof v === "number") n = v;
  else if (typeof v === "string") {
    const s = v.trim();
    if (/^\d{1,16}(\.\d{1,9})?$/.test(s)) n = Number(s);
    else return inRange(isoMs(s));
  }
  if (n === undefined || !Number.isFinite(n) || n <= 0) return undefined;
  return inRange(Math.round(n < SECONDS_BELOW ? n * 1000 : n));
}

const inRange = (ms: number | undefined) => (ms !== undefined && ms > 0 && ms <= MAX_EPOCH_MS ? ms : undefined);

/** A time field nobody keys on: a Date when readable (see readEpochMs), absent otherwise. */
export const lenientTime = z
  .unknown()
  .transform((v) => {
    const ms = readEpochMs(v);
    return ms === undefined ? undefined : new Date(ms);
  })
  .optional();

const isRecord = (v: unknown): v is Record<PropertyKey, unknown> => typeof v === "object" && v !== null;

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const key of path) v = isRecord(v) ? v[key] : undefined;
  return v;
}

/**
 * "unsupported shape: message.chat.id is missing" / "…: message.photo: Invalid input: expected array…": which
 * field broke the schema and how, never its content. `input` is what was parsed, to tell a missing field apart.
 */
export function unsupportedShape(kind: string, error: z.ZodError, input: unknown): { ok: false; reason: string } {
  const issues = error.issues.slice(0, 3).map((issue) => {
    const where = [kind, ...issue.path.map(String)].join(".").slice(0, 120);
    const missing = issue.code === "invalid_type" && valueAt(input, issue.path) == null;
    return missing ? `${where} is missing` : `${where}: ${issue.message.slice(0, 120)}`;
  });
  return { ok: false, reason: `unsupported shape: ${issues.join("; ")}` };
}

/** The refusal for a needed field that is absent, in the words unsupportedShape uses. */
export const missingField = (path: string): { ok: false; reason: string } => ({ ok: false, reason: `unsupported shape: ${path} is missing` });
