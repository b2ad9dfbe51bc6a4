/**
 * Reliability: ≥ 10,000 generated hostile bodies through every webhook route handler, in process —
 * random bytes, truncated JSON, wrong inner types, huge numbers, \u0000, lone surrogates, deep nesting,
 * wrong / absent signatures, odd content types, odd route parameters. Nothing answers 5xx, nothing
 * unsigned is stored, every signed body that is acknowledged is stored, and processing what was stored
 * never crashes. Deterministic (seeded), so a failure can be replayed.
 */
import { readdirSync, readFileSync } from "node:fs";
import { and, count, eq, inArray, isNull, or } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { POST as telegramRoute } from "~/app/api/webhooks/telegram/[channelId]/route";
import { POST as vkRoute } from "~/app/api/webhooks/vk/[channelId]/route";
import { db } from "../../db";
import { channels, inboundEvents } from "../../db/schema";
import { splitMetaEnvelope } from "../channels/meta/parse";
import { processEnvironment } from "../env.js";
import { captureLogs } from "../log";
import { storableKey } from "../json-safety";
import type { WebhookOutcome } from "./read-body";
import { telegramDedupeKey } from "./telegram";
import { postMeta, postTelegram, postVk, webhookCompany } from "../testing/webhooks";

// HOSTILE_BODIES / HOSTILE_SEED: a shorter run, or a replay of another seed's bodies.
const TOTAL = Number(processEnvironment().HOSTILE_BODIES ?? 10_000);
const SEED = Number(processEnvironment().HOSTILE_SEED ?? 20261206);

/** mulberry32: a small seeded PRNG. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { next, int, pick: <T>(list: readonly T[]): T => list[int(list.length)]!, chance: (p: number) => next() < p };
}
const rnd = prng(SEED);

const fixtureDir = (provider: string) => new URL(`../../e2e/fixtures/${provider}/`, import.meta.url);
const fixtures = (provider: string, pattern: RegExp) =>
  readdirSync(fixtureDir(provider))
    .filter((f) => pattern.test(f))
    .map((f) => readFileSync(new URL(f, fixtureDir(provider)), "utf8"));

const WRONG_VALUES: unknown[] = [null, {}, [], "", "x", 1e20, -1, 0, 1.5, true, [1, "a"], { a: { b: null } }, Number.MAX_SAFE_INTEGER + 2, -1e20, "1e400"];
const HUGE_NUMBERS = ["1e400", "-1e400", "123456789012345678901234567890", "1e-400", "-0", "9007199254740993", "0.0000000000000000000001"];
const CONTENT_TYPES = ["application/json", "application/json; charset=utf-8", "text/plain", "", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "application/octet-stream"];
const HOSTILE_ROUTE_IDS = ["%ZZ", "%", "%C0%AF", "..", "not-a-uuid", "\u0000", "0".repeat(300), "00000000-0000-0000-0000-000000000000", "9b2f7f0e-4a57-4c7f-8d0e-2f0c7a6f1e11", "%E0%A4%A", "/", "'; drop table channels; --", "😀"];

/** Every path to a value in a JSON value (iterative), for picking one to break. */
function paths(value: unknown): (string | number)[][] {
  const out: (string | number)[][] = [];
  const stack: [unknown, (string | number)[]][] = [[value, []]];
  while (stack.length) {
    const [v, p] = stack.pop()!;
    if (p.length) out.push(p);
    if (Array.isArray(v)) v.forEach((x, i) => stack.push([x, [...p, i]]));
    else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) stack.push([x, [...p, k]]);
  }
  return out;
}
function setAt(root: unknown, path: (string | number)[], value: unknown) {
  let node = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) {
    // An earlier change may have replaced an ancestor.
    if (typeof node[key] !== "object" || node[key] === null) return;
    node = node[key] as Record<string | number, unknown>;
  }
  node[path.at(-1)!] = value;
}
const deep = (depth: number) => `${"[".repeat(depth)}1${"]".repeat(depth)}`;

/** A hostile variant of a valid JSON body (as text). */
function mutate(validJson: string): string | Uint8Array<ArrayBuffer> {
  const kind = rnd.int(11);
  switch (kind) {
    case 0: {
      const bytes = new Uint8Array(rnd.int(600));
      for (let i = 0; i < bytes.length; i++) bytes[i] = rnd.int(256);
      return bytes;
    }
    case 1:
      return validJson.slice(0, rnd.int(validJson.length));
    case 2:
    case 3: {
      const value = JSON.parse(validJson) as unknown;
      const all = paths(value);
      for (let n = 1 + rnd.int(3); n > 0 && all.length; n--) setAt(value, rnd.pick(all), structuredClone(rnd.pick(WRONG_VALUES)));
      return JSON.stringify(value);
    }
    case 4:
      // A huge or odd number in place of some number.
      return validJson.replace(/(:\s*)-?\d+(\.\d+)?/g, (m, colon: string) => (rnd.chance(0.3) ? `${colon}${rnd.pick(HUGE_NUMBERS)}` : m));
    case 5:
      return validJson.replace(/"([^"\\]{2,})"/g, (m, s: string) => (rnd.chance(0.3) ? `"${s.slice(0, 1)}\\u0000${s.slice(1)}"` : m));
    case 6:
      return validJson.replace(/"([^"\\]{2,})"/g, (m, s: string) => (rnd.chance(0.3) ? `"${s}${rnd.pick(["\\ud800", "\\udfff", "\\ud83d x", "\\udc00\\ud800"])}"` : m));
    case 7: {
      // Deep nesting in place of one value (or the whole body).
      const depth = 500 + rnd.int(6000);
      const at = validJson.lastIndexOf("}");
      return rnd.chance(0.2) ? deep(depth) : `${validJson.slice(0, at)},"deep":${deep(depth)}${validJson.slice(at)}`;
    }
    case 8:
      return rnd.pick(["", "null", "[]", '"str"', "1", "{}", "true", "{", "[[[", "\u0000", "\ufeff{}", " ".repeat(100)]);
    case 9:
      // A long key and a long string.
      return validJson.replace(/^\{/, `{"${"k".repeat(rnd.int(5000))}":"${"v".repeat(rnd.int(20000))}",`);
    default:
      return validJson;
  }
}

type Outcome = { status: number; signed: boolean; accepted: boolean };

describe("hostile bodies through every webhook route", () => {
  it(`${TOTAL} generated bodies: no 5xx, nothing unsigned stored, every signed acknowledged body stored, no processing crash`, { timeout: 300_000 }, async () => {
    const hc = await webhookCompany();
    const tgBases = fixtures("telegram", /^update_.*\.json$/);
    const vkBases = fixtures("vk", /^callback_.*\.json$/).map((t) => {
      const v = JSON.parse(t) as Record<string, unknown>;
      return { ...v, group_id: hc.vk.groupId, secret: hc.vk.secret } as Record<string, unknown>;
    });
    const metaBases = fixtures("meta", /^(fb|ig|permissions)-.*\.json$/).map((t) =>
      t.replaceAll("100000000000001", hc.meta.pageId).replaceAll("100000000000002", hc.meta.pageId).replaceAll("17840000000000001", hc.meta.igId),
    );
    const channelIds = [hc.telegram.channelId, hc.vk.channelId, hc.meta.pageChannelId, hc.meta.igChannelId];
    const ourRows = () =>
      db
        .select({ n: count() })
        .from(inboundEvents)
        .where(or(inArray(inboundEvents.channelId, channelIds), and(isNull(inboundEvents.channelId), inArray(inboundEvents.provider, ["messenger", "instagram"]))));
    const rowsBefore = (await ourRows())[0]!.n;
    const [bot] = await db.select({ externalId: channels.externalId }).from(channels).where(eq(channels.id, hc.telegram.channelId));

    const outcomes: Outcome[] = [];
    // Dedupe keys of acknowledged signed bodies (must be stored) and of unsigned ones (must not be).
    const stored = { telegram: new Set<string>(), vk: new Set<string>(), meta: new Set<string>() };
    const unsignedKeys = new Set<string>();
    const afters: (() => Promise<void>)[] = [];
    let seq = 0;
    const uniq = () => `${SEED}${++seq}`;

    async function record(outcome: WebhookOutcome, signed: boolean) {
      const status = outcome.response.status;
      outcomes.push({ status, signed, accepted: status >= 200 && status < 300 });
      if (outcome.after) afters.push(outcome.after);
      return status;
    }

    const lines: string[] = [];
    const stopCapture = captureLogs((line) => lines.push(line));
    try {
      for (let i = 0; i < TOTAL; i++) {
        const provider = rnd.pick(["telegram", "telegram", "meta", "meta", "vk"] as const);
        const contentType = rnd.pick(CONTENT_TYPES);
        const headers = contentType ? { "content-type": contentType } : ({} as Record<string, string>);
        const signature = rnd.pick(["right", "right", "right", "wrong", "absent"] as const);
        const signed = signature === "right";

        if (provider === "telegram") {
          const base = JSON.parse(rnd.pick(tgBases)) as Record<string, unknown>;
          base.update_id = Number(uniq());
          const body = rnd.chance(0.85) ? mutate(JSON.stringify(base)) : JSON.stringify(base);
          if (rnd.chance(0.04)) {
            // Any bytes in the route parameter: 404 from the route, before anything else.
            const id = rnd.pick(HOSTILE_ROUTE_IDS);
            const params = rnd.chance(0.3) ? Promise.reject(new URIError("URI malformed")) : Promise.resolve({ channelId: id });
            params.catch(() => undefined);
            const res = await telegramRoute(new Request("http://localhost/api/webhooks/telegram/x", { method: "POST", headers, body }), { params } as never);
            outcomes.push({ status: res.status, signed: false, accepted: false });
            expect(res.status).toBe(404);
            continue;
          }
          const secret = signature === "right" ? hc.telegram.secret : signature === "wrong" ? "wrong-secret" : null;
          const outcome = await postTelegram(hc.telegram.channelId, secret, body, headers);
          const status = await record(outcome, signed);
          if (!signed) {
            expect(status).toBe(401);
            unsignedKeys.add(`${bot!.externalId}:${String(base.update_id)}`);
          } else if (status === 200) {
            const raw = typeof body === "string" ? Buffer.from(body, "utf8") : Buffer.from(body);
            const parsed = JSON.parse(raw.toString("utf8")) as { update_id: number };
            stored.telegram.add(storableKey(telegramDedupeKey(bot!.externalId, parsed.update_id, raw)));
          }
        } else if (provider === "vk") {
          const base = structuredClone(rnd.pick(vkBases));
          base.event_id = `e${uniq()}`;
          if (signature === "wrong") base.secret = rnd.pick(["wrong", 12345, null, { s: hc.vk.secret }]);
          if (signature === "absent") delete base.secret;
          const body = rnd.chance(0.85) ? mutate(JSON.stringify(base)) : JSON.stringify(base);
          if (rnd.chance(0.04)) {
            const params = rnd.chance(0.3) ? Promise.reject(new URIError("URI malformed")) : Promise.resolve({ channelId: rnd.pick(HOSTILE_ROUTE_IDS) });
            params.catch(() => undefined);
            const res = await vkRoute(new Request("http://localhost/api/webhooks/vk/x", { method: "POST", headers, body }), { params } as never);
            outcomes.push({ status: res.status, signed: false, accepted: false });
            expect(res.status).toBe(404);
            continue;
          }
          const outcome = await postVk(hc.vk.channelId, body, headers);
          // VK signs inside the body: a mutation may have removed or changed the secret. Signed = the
          // body as sent still carries the right secret (the handler decides, the test only checks 2xx).
          const text = typeof body === "string" ? body : "";
          const stillSigned = signed && text.includes(JSON.stringify(hc.vk.secret));
          const status = await record(outcome, stillSigned);
          if (status === 200 && (await outcome.response.clone().text()) === "ok") {
            const parsed = JSON.parse(text) as { event_id: string };
            stored.vk.add(storableKey(`${hc.vk.groupId}:${parsed.event_id}`));
          }
          if (!stillSigned) {
            expect(status === 200 ? await outcome.response.clone().text() : "refused").not.toBe("ok");
            unsignedKeys.add(`${hc.vk.groupId}:${String(base.event_id)}`);
          }
        } else {
          const raw = rnd.pick(metaBases).replace(/"mid":\s*"([^"]*)"/g, (_m, mid: string) => `"mid":"${mid}.${uniq()}"`);
          const body = rnd.chance(0.85) ? mutate(raw) : raw;
          const header = signature === "right" ? true : signature === "wrong" ? rnd.pick([`sha256=${"0".repeat(64)}`, "sha256=zz", "sha1=abc", ""]) : null;
          const outcome = await postMeta(body, header, headers);
          const status = await record(outcome, signed);
          if (!signed) {
            expect(status).toBe(401);
            const split = splitMetaEnvelope(JSON.parse(raw));
            if (split.ok) for (const item of split.items) if (item.dedupeKey.startsWith("mid:")) unsignedKeys.add(item.dedupeKey);
          } else if (status === 200) {
            const split = splitMetaEnvelope(JSON.parse(typeof body === "string" ? body : Buffer.from(body).toString("utf8")));
            if (split.ok) for (const item of split.items) stored.meta.add(storableKey(item.dedupeKey));
          }
        }
      }

      // Processing of what was stored, as the routes' after-hooks run it.
      for (const run of afters) await run();
    } finally {
      stopCapture();
    }

    const fivexx = outcomes.filter((o) => o.status >= 500);
    expect(fivexx).toEqual([]);
    expect(outcomes.length).toBeGreaterThanOrEqual(TOTAL);

    // Every acknowledged signed body is stored (by its dedupe key; a redelivered key was stored before).
    const rows = await db
      .select({ dedupeKey: inboundEvents.dedupeKey, provider: inboundEvents.provider, status: inboundEvents.status, attempts: inboundEvents.attempts, payload: inboundEvents.payload, rawBody: inboundEvents.rawBody })
      .from(inboundEvents)
      .where(or(inArray(inboundEvents.channelId, channelIds), and(isNull(inboundEvents.channelId), inArray(inboundEvents.provider, ["messenger", "instagram"]))));
    const keys = new Set(rows.map((r) => r.dedupeKey));
    expect(stored.telegram.size + stored.vk.size + stored.meta.size).toBeGreaterThan(TOTAL / 10);
    expect([...stored.telegram].filter((k) => !keys.has(k))).toEqual([]);
    expect([...stored.vk].filter((k) => !keys.has(k))).toEqual([]);
    // Permission changes are stored once per affected channel, as "<key>:<account>".
    const prefixes = new Set([...keys].map((k) => k.replace(/:[^:]*$/, "")));
    expect([...stored.meta].filter((k) => !keys.has(k) && !prefixes.has(k))).toEqual([]);

    // Nothing unsigned was stored.
    expect(unsignedKeys.size).toBeGreaterThan(TOTAL / 10);
    expect([...unsignedKeys].filter((k) => keys.has(storableKey(k)))).toEqual([]);

    // No processing crash: nothing left waiting after a failed attempt, no crash logged.
    const crashes = lines.filter((l) => /"event":"(inbound\.process_failed|[a-z.]+_crashed)"/.test(l));
    expect(crashes).toEqual([]);
    expect(rows.filter((r) => r.status === "received")).toEqual([]);
    expect(rows.filter((r) => r.payload === null && r.rawBody === null)).toEqual([]);

    const byStatus = new Map<string, number>();
    for (const r of rows) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
    const acknowledged = outcomes.filter((o) => o.accepted).length;
    console.log(`hostile bodies: ${outcomes.length} posted, ${acknowledged} acknowledged, ${rows.length - rowsBefore} rows stored (${[...byStatus].map(([s, n]) => `${s} ${n}`).join(", ")}), 0 answers ≥ 500`);
  });
});
