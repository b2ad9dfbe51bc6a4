import { createHash } from "node:crypto";
import { RateLimiterDrizzle, type RateLimiterAbstract } from "rate-limiter-flexible";
import { db } from "../../../db";
import { rateLimits } from "../../../db/schema";
import { env } from "../../env.js";

/**
 * Sign-in throttling in PostgreSQL (rate-limiter-flexible's Drizzle store: one atomic upsert per failure), so
 * every app instance counts the same attempts. Wrong passwords are counted per account — known or not, so the
 * answer never tells which emails exist — and per client address; a success clears the account's count, and so
 * does a password reset (the owner of a locked account gets back in through the emailed link).
 */
export class ThrottledError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`throttled:${retryAfterSeconds}`);
    this.name = "ThrottledError";
  }
}

type Limiters = { account: RateLimiterAbstract; client: RateLimiterAbstract; resetRequests: RateLimiterAbstract };
let limiters: Limiters | undefined;

function build(): Limiters {
  const e = env();
  const duration = e.SIGN_IN_WINDOW_MINUTES * 60;
  const store = (keyPrefix: string, points: number, seconds: number) => new RateLimiterDrizzle({ storeClient: db, schema: rateLimits, keyPrefix, points, duration: seconds });
  return {
    account: store("sign_in_account", e.SIGN_IN_ACCOUNT_FAILURES, duration),
    client: store("sign_in_client", e.SIGN_IN_CLIENT_FAILURES, duration),
    // Reset emails: a few an hour per address, so the form cannot be used to flood someone's inbox.
    resetRequests: store("password_reset", 3, 60 * 60),
  };
}

const all = () => (limiters ??= build());
/** Emails are kept as digests: the table never lists which addresses someone tried. */
const accountKey = (email: string) => createHash("sha256").update(email.trim().toLowerCase()).digest("base64url");

async function blockedFor(limiter: RateLimiterAbstract, points: number, key: string): Promise<number> {
  const res = await limiter.get(key);
  return res && res.consumedPoints >= points ? Math.max(1, Math.ceil(res.msBeforeNext / 1000)) : 0;
}

/** Throws ThrottledError when the account or the client has used up its attempts. */
export async function assertSignInAllowed(email: string, client: string): Promise<void> {
  const e = env();
  const { account, client: byClient } = all();
  const waits = await Promise.all([blockedFor(account, e.SIGN_IN_ACCOUNT_FAILURES, accountKey(email)), blockedFor(byClient, e.SIGN_IN_CLIENT_FAILURES, client)]);
  const wait = Math.max(...waits);
  if (wait > 0) throw new ThrottledError(wait);
}

/** Counts a wrong password; throws ThrottledError when this one used up the last attempt. */
export async function recordSignInFailure(email: string, client: string): Promise<void> {
  const { account, client: byClient } = all();
  const [a, c] = await Promise.all([account.penalty(accountKey(email)), byClient.penalty(client)]);
  const e = env();
  const spent = [a.consumedPoints >= e.SIGN_IN_ACCOUNT_FAILURES ? a.msBeforeNext : 0, c.consumedPoints >= e.SIGN_IN_CLIENT_FAILURES ? c.msBeforeNext : 0];
  const wait = Math.max(...spent);
  if (wait > 0) throw new ThrottledError(Math.max(1, Math.ceil(wait / 1000)));
}

/** The owner got in (right password, or a password reset): their account's count starts again. */
export async function clearAccountFailures(email: string): Promise<void> {
  await all().account.delete(accountKey(email));
}

/** Whether another reset email may go to this address now (3 an hour); counts this one. */
export async function takeResetRequest(email: string): Promise<boolean> {
  const res = await all().resetRequests.penalty(accountKey(email));
  return res.consumedPoints <= 3;
}
