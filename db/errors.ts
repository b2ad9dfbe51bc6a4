/**
 * Telling a database outage (retry later: the provider should redeliver) from a value the database refuses
 * (retrying changes nothing: keep the raw bytes and mark the item failed). drizzle wraps the driver's
 * error; the SQLSTATE is on its cause.
 */
export function sqlState(error: unknown): string | undefined {
  for (let e = error, i = 0; e && typeof e === "object" && i < 5; e = (e as { cause?: unknown }).cause, i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

/**
 * SQLSTATE classes that depend on the value, not on the database being up: 22 data exception (bad
 * encoding, \u0000, invalid JSON), 23 integrity (other than the dedupe conflict, which is handled), 54
 * program limit (index row too large, stack depth).
 */
export function isValueRefused(error: unknown): boolean {
  const state = sqlState(error);
  return state !== undefined && ["22", "23", "54"].includes(state.slice(0, 2));
}
