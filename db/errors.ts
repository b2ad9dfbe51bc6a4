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

const CONNECTION_ERROR_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  // postgres.js's own codes for a connection that could not be made or was lost.
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
]);

/**
 * The database cannot be reached right now (refused, timed out, dropped, shutting down, starting up): the
 * request may succeed later, and the caller should say "unavailable" (503), not "failed".
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error, i = 0; e && typeof e === "object" && i < 5; e = (e as { cause?: unknown }).cause, i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code !== "string") continue;
    if (CONNECTION_ERROR_CODES.has(code)) return true;
    // 08: connection exception; 57P01–57P03: admin shutdown, crash shutdown, cannot connect now.
    if (/^08[0-9A-Z]{3}$/.test(code) || code === "57P01" || code === "57P02" || code === "57P03") return true;
  }
  return false;
}
