import { describe, expect, it } from "vitest";
import { DatabaseDeadlineError, withDeadline } from "./deadline";
import { isDatabaseUnavailable } from "./errors";

describe("withDeadline", () => {
  it("answers with the work when it is in time", async () => {
    await expect(withDeadline(Promise.resolve(42), 1_000, "quick")).resolves.toBe(42);
    await expect(withDeadline(Promise.reject(new Error("refused")), 1_000, "quick")).rejects.toThrow("refused");
  });

  it("stops waiting at the deadline with an error that reads as the database being unavailable, and a late failure is no unhandled rejection", async () => {
    let fail!: (e: Error) => void;
    const never = new Promise<never>((_, reject) => (fail = reject));
    const error = await withDeadline(never, 20, "health check").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseDeadlineError);
    expect(isDatabaseUnavailable(error)).toBe(true);
    fail(new Error("late"));
    await new Promise((resolve) => setTimeout(resolve, 10));
  });
});

describe("isDatabaseUnavailable", () => {
  it("knows an outage from a refused value, through driver wrapping", () => {
    expect(isDatabaseUnavailable(Object.assign(new Error("x"), { code: "ECONNREFUSED" }))).toBe(true);
    expect(isDatabaseUnavailable(new Error("Failed query", { cause: Object.assign(new Error("shutting down"), { code: "57P01" }) }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error("x"), { code: "08006" }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error("x"), { code: "23505" }))).toBe(false);
    expect(isDatabaseUnavailable(new Error("plain"))).toBe(false);
  });
});
