import { describe, expect, it } from "vitest";
import { z } from "zod";
import { MAX_EPOCH_MS, lenient, optionalNullable, readEpochMs, readInteger, unsupportedShape } from "./lenient";

describe("readEpochMs", () => {
  const at = Date.UTC(2021, 8, 8, 6, 34, 4);
  it("reads seconds, milliseconds, digits and ISO 8601 with any offset as the same instant", () => {
    for (const v of [at / 1000, at, String(at / 1000), String(at), "2021-09-08T06:34:04+0000", "2021-09-08T06:34:04Z", "2021-09-08 06:34:04", "2021-09-08T08:34:04+02:00", "2021-09-08T01:04:04-0530"]) {
      expect(readEpochMs(v), String(v)).toBe(at);
    }
    expect(readEpochMs("2021-09-08T06:34:04.250Z")).toBe(at + 250);
    expect(readEpochMs(`${at / 1000}.5`)).toBe(at + 500);
  });

  it("gives nothing for what is not a possible time, so the receipt time is used", () => {
    for (const v of [undefined, null, true, {}, [], "", "soon", "2021-02-30", "2021-13-01", "2021-09-08T25:00:00Z", 0, -1, Number.NaN, Infinity, 1e20, MAX_EPOCH_MS + 1, 123456789012345678901234567890123456789, "9".repeat(40)]) {
      expect(readEpochMs(v), String(v)).toBeUndefined();
    }
    expect(readEpochMs(MAX_EPOCH_MS)).toBe(MAX_EPOCH_MS);
  });
});

describe("lenient schemas", () => {
  const Shape = z.looseObject({ id: z.number().int(), name: lenient(z.string()), kind: optionalNullable(z.string()) });

  it("null is absent; a wrong type in a lenient field drops the field; unknown fields pass through", () => {
    expect(Shape.parse({ id: 1, name: 5, kind: null, extra: "kept" })).toEqual({ id: 1, name: undefined, kind: undefined, extra: "kept" });
    expect(readInteger("42")).toBe(42);
    expect(readInteger("4.2")).toBeUndefined();
    expect(readInteger(2 ** 60)).toBeUndefined();
  });

  it("a needed field missing is named as missing; a wrong type says what was expected", () => {
    const input = { name: "x", kind: 5 };
    const result = Shape.safeParse(input);
    expect(!result.success && unsupportedShape("message", result.error, input)).toEqual({
      ok: false,
      reason: "unsupported shape: message.id is missing; message.kind: Invalid input: expected string, received number",
    });
  });
});
