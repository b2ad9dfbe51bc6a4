import { describe, expect, it } from "vitest";
import { isClientAbort, quietClientAborts } from "./client-abort";

/** What Node.js fails a request body with when its client goes away (IncomingMessage, "aborted"). */
const aborted = () => Object.assign(new Error("aborted"), { code: "ECONNRESET" });

describe("client aborts", () => {
  it("knows Node's aborted request, also as the cause of another error", () => {
    expect(isClientAbort(aborted())).toBe(true);
    expect(isClientAbort(new TypeError("failed to read the body", { cause: aborted() }))).toBe(true);
    expect(isClientAbort(new Error("aborted"))).toBe(false);
    // A database or provider connection reset is a real failure: it stays in the log.
    expect(isClientAbort(Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET", syscall: "read" }))).toBe(false);
    expect(isClientAbort("⨯")).toBe(false);
    expect(isClientAbort(null)).toBe(false);
  });

  it("leaves client aborts out of the error log and writes everything else", () => {
    const lines: unknown[][] = [];
    const target = { error: (...args: unknown[]) => void lines.push(args) };
    quietClientAborts(target);
    quietClientAborts(target); // once only
    target.error("⨯", aborted());
    const real = new Error("relation does not exist");
    target.error("⨯", real);
    target.error("plain words");
    expect(lines).toEqual([["⨯", real], ["plain words"]]);
  });
});
