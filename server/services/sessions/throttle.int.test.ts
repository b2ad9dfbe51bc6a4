import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "../../../db";
import { DEMO_PASSWORD } from "../../../db/seed";
import { emailDeliveries } from "../../../db/schema";
import { authenticate } from "../../auth/options";
import { env } from "../../env.js";
import { requestPasswordReset } from "../users/request-password-reset";
import { setPasswordWithToken } from "../users/set-password-with-token";
import { seedTestCompany } from "../../testing/factories";
import { ThrottledError } from "./throttle";

/** A client address no other test uses: the counters live in the shared database. */
const client = () => `198.51.100.${randomBytes(2).readUInt16BE() % 250}-${randomBytes(3).toString("hex")}`;
const outcome = (p: Promise<unknown>) => p.then((user) => (user ? "signed_in" : "refused"), (e: unknown) => (e instanceof ThrottledError ? "throttled" : Promise.reject(e)));

describe("sign-in throttling", () => {
  it("after the account's allowed failures, even the right password waits; the answer says for how long", async () => {
    const co = await seedTestCompany();
    const email = co.operators[0]!.email;
    const limit = env().SIGN_IN_ACCOUNT_FAILURES;
    const from = client();
    const results: string[] = [];
    for (let i = 0; i < limit; i++) results.push(await outcome(authenticate({ email, password: `wrong ${i}` }, from)));
    expect(results.slice(0, -1).every((r) => r === "refused")).toBe(true);
    expect(results.at(-1)).toBe("throttled");
    // From anywhere: the account is what is being guessed.
    const error = await authenticate({ email, password: DEMO_PASSWORD }, client()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ThrottledError);
    const wait = (error as ThrottledError).retryAfterSeconds;
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(env().SIGN_IN_WINDOW_MINUTES * 60);
  });

  it("answers an unknown email exactly as a known one, throttling included", async () => {
    const unknown = `nobody-${randomBytes(4).toString("hex")}@nowhere.test`;
    const from = client();
    const results: string[] = [];
    for (let i = 0; i <= env().SIGN_IN_ACCOUNT_FAILURES; i++) results.push(await outcome(authenticate({ email: unknown, password: "guess" }, from)));
    expect(results.at(-1)).toBe("throttled");
    expect(results.at(-2)).toBe("throttled");
    expect(results[0]).toBe("refused");
  });

  it("a right password clears the account's count", async () => {
    const co = await seedTestCompany();
    const email = co.operators[0]!.email;
    const from = client();
    for (let i = 0; i < env().SIGN_IN_ACCOUNT_FAILURES - 1; i++) expect(await outcome(authenticate({ email, password: "wrong" }, from))).toBe("refused");
    expect(await outcome(authenticate({ email, password: DEMO_PASSWORD }, from))).toBe("signed_in");
    for (let i = 0; i < env().SIGN_IN_ACCOUNT_FAILURES - 1; i++) expect(await outcome(authenticate({ email, password: "wrong" }, from))).toBe("refused");
  });

  it("one client spraying one password over many accounts is stopped", async () => {
    const from = client();
    const results: string[] = [];
    for (let i = 0; i <= env().SIGN_IN_CLIENT_FAILURES; i++) {
      results.push(await outcome(authenticate({ email: `spray-${i}-${randomBytes(3).toString("hex")}@spray.test`, password: "Summer2026!" }, from)));
    }
    expect(results.at(-1)).toBe("throttled");
    expect(results.filter((r) => r === "refused").length).toBe(env().SIGN_IN_CLIENT_FAILURES - 1);
  });

  it("the owner of a locked account gets back in with a password reset; the answer to Forgot password never tells who exists", async () => {
    const co = await seedTestCompany();
    const email = co.operators[0]!.email;
    for (let i = 0; i < env().SIGN_IN_ACCOUNT_FAILURES; i++) await outcome(authenticate({ email, password: "wrong" }, client()));
    expect(await outcome(authenticate({ email, password: DEMO_PASSWORD }, client()))).toBe("throttled");

    expect(await requestPasswordReset({ db }, { email: `ghost-${randomBytes(4).toString("hex")}@nowhere.test`, locale: "en" })).toEqual({ emailId: null });
    const { emailId } = await requestPasswordReset({ db }, { email: email.toUpperCase(), locale: "en" });
    const [mail] = await db.select().from(emailDeliveries).where(eq(emailDeliveries.id, emailId!));
    expect(mail).toMatchObject({ kind: "password_reset", toAddress: email, subject: "Choose a new password for Switchboard" });
    const token = decodeURIComponent(/set-password\?token=([A-Za-z0-9_%-]+)/.exec(mail!.html)![1]!);
    await setPasswordWithToken({ db }, { token, password: "my new long password" });
    expect(await outcome(authenticate({ email, password: "my new long password" }, client()))).toBe("signed_in");
  });

  it("sends at most three reset emails an hour to one address", async () => {
    const co = await seedTestCompany();
    const email = co.operators[1]!.email;
    const sent = [];
    for (let i = 0; i < 5; i++) sent.push((await requestPasswordReset({ db }, { email, locale: "en" })).emailId !== null);
    expect(sent).toEqual([true, true, true, false, false]);
  });
});
