import { createHash } from "node:crypto";

/**
 * What PostgreSQL's jsonb (and our own recursive code) can take. jsonb refuses `\u0000` and lone
 * surrogates anywhere in a string or key, and its parser, like JSON.stringify, recurses once per level.
 */
export const MAX_JSON_DEPTH = 200;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a string cannot be stored in a PostgreSQL text or jsonb value, if it cannot. */
export function textProblem(s: string): string | undefined {
  if (s.includes("\u0000")) return "holds a \\u0000 character";
  if (LONE_SURROGATE.test(s)) return "holds a lone surrogate";
  return undefined;
}

/**
 * Why a parsed JSON value cannot go into jsonb as it is, if it cannot. Walks the value without recursion,
 * so a body nested a million levels deep gets an answer instead of a stack overflow.
 */
export function jsonbProblem(value: unknown): string | undefined {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v === "string") {
      const problem = textProblem(v);
      if (problem) return `a string ${problem}`;
      continue;
    }
    if (typeof v !== "object" || v === null) continue;
    if (depth > MAX_JSON_DEPTH) return `nested deeper than ${MAX_JSON_DEPTH} levels`;
    if (Array.isArray(v)) {
      for (const item of v) stack.push([item, depth + 1]);
      continue;
    }
    for (const [key, item] of Object.entries(v)) {
      const problem = textProblem(key);
      if (problem) return `a key ${problem}`;
      stack.push([item, depth + 1]);
    }
  }
  return undefined;
}

/**
 * JSON with object keys sorted, for hashing: equal values give equal strings whatever the key order.
 * Iterative, so any depth is fine.
 */
export function stableStringify(value: unknown): string {
  const out: string[] = [];
  type Frame = { kind: "value"; value: unknown } | { kind: "raw"; text: string };
  const stack: Frame[] = [{ kind: "value", value }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    if (frame.kind === "raw") {
      out.push(frame.text);
      continue;
    }
    const v = frame.value;
    if (Array.isArray(v)) {
      const frames: Frame[] = [{ kind: "raw", text: "[" }];
      v.forEach((item, i) => {
        if (i > 0) frames.push({ kind: "raw", text: "," });
        frames.push({ kind: "value", value: item });
      });
      frames.push({ kind: "raw", text: "]" });
      for (let i = frames.length - 1; i >= 0; i--) stack.push(frames[i]!);
    } else if (typeof v === "object" && v !== null) {
      const obj = v as Record<string, unknown>;
      const frames: Frame[] = [{ kind: "raw", text: "{" }];
      Object.keys(obj)
        .sort()
        .forEach((k, i) => {
          frames.push({ kind: "raw", text: `${i > 0 ? "," : ""}${JSON.stringify(k)}:` });
          frames.push({ kind: "value", value: obj[k] });
        });
      frames.push({ kind: "raw", text: "}" });
      for (let i = frames.length - 1; i >= 0; i--) stack.push(frames[i]!);
    } else {
      out.push(JSON.stringify(v) ?? "null");
    }
  }
  return out.join("");
}

const sha256 = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");

/**
 * A dedupe key the unique index can hold: as given when it is short, printable text; otherwise a hash of
 * it (a btree entry has a size limit, and text cannot hold `\u0000`).
 */
export function storableKey(key: string, max = 256): string {
  return key.length <= max && !textProblem(key) ? key : `sha256:${sha256(key)}`;
}

/** An event type / note for a text column: `\u0000` and lone surrogates replaced, length capped. */
export function storableText(s: string, max = 500): string {
  const cleaned = textProblem(s) ? s.replace(/\u0000/g, "\uFFFD").replace(new RegExp(LONE_SURROGATE.source, "g"), "\uFFFD") : s;
  if (cleaned.length <= max) return cleaned;
  // Never cut a surrogate pair in half.
  return `${cleaned.slice(0, max - 1).replace(/[\uD800-\uDBFF]$/, "")}…`;
}
