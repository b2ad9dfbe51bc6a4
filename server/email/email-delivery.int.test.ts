import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../db";
import { emailDeliveries } from "../../db/schema";
import { parseEnv, processEnvironment } from "../env.js";
import { seedTestCompany } from "../testing/factories";
import { deliverDueEmails, MAX_EMAIL_ATTEMPTS } from "./deliver-due-emails";
import { queueEmail } from "./queue-email";
import { transportFromEnv } from "./resend-transport";

type Seen = { method: string; path: string; headers: IncomingHttpHeaders; body: Record<string, unknown> };

/** A loopback stand-in for Resend's API: records each request and answers from a queue (200 by default). */
let server: Server;
let baseUrl: string;
const seen: Seen[] = [];
/** Scripted answers per recipient; anything else gets 200 with a fresh id. */
const answers = new Map<string, { status: number; body: unknown }[]>();
const answer = (to: string, status: number, body: unknown) => answers.set(to, [...(answers.get(to) ?? []), { status, body }]);

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = "";
    req.on("data", (c: Buffer) => (raw += c.toString("utf8")));
    req.on("end", () => {
      const body = JSON.parse(raw || "{}") as Record<string, unknown>;
      seen.push({ method: req.method ?? "", path: req.url ?? "", headers: req.headers, body });
      const to = Array.isArray(body.to) ? String(body.to[0]) : "";
      const next = answers.get(to)?.shift() ?? { status: 200, body: { id: `re_${seen.length}_${Date.now()}` } };
      res.writeHead(next.status, { "content-type": "application/json" }).end(JSON.stringify(next.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** The configured transport exactly as the app builds it from its environment, pointed at the loopback server. */
const unique = (name: string) => `${name}-${crypto.randomUUID().slice(0, 8)}@example.test`;
const requestsTo = (to: string) => seen.filter((s) => Array.isArray(s.body.to) && s.body.to[0] === to);
/** Every due email of every company goes in one pass, however many other tests left queued. */
const deliver = (transport: ReturnType<typeof transportFromEnv>, from?: string) => deliverDueEmails({ transport, from, limit: 1000 });
const resendFromEnv = () => transportFromEnv(parseEnv({ ...processEnvironment(), RESEND_API_KEY: "re_test_key", RESEND_BASE_URL: baseUrl }));

async function queueInvitation(companyId: string, to: string, dedupeKey = `test:${crypto.randomUUID()}`) {
  return queueEmail({
    db,
    companyId,
    kind: "invitation",
    dedupeKey,
    to,
    locale: "en",
    template: {
      name: "invitation",
      props: { recipientName: "Nina", inviterName: "Alex Admin", companyName: "Test Co", role: "operator", link: "http://localhost:3000/set-password?token=t0k3n", expiresAt: new Date(Date.now() + 86_400_000) },
    },
  });
}
const row = async (id: string) => (await db.select().from(emailDeliveries).where(eq(emailDeliveries.id, id)))[0]!;
const makeDue = (id: string) => db.update(emailDeliveries).set({ nextAttemptAt: new Date(Date.now() - 1000) }).where(eq(emailDeliveries.id, id));

describe("email delivery", () => {
  it("queues a rendered email once per dedupe key, in the caller's transaction", async () => {
    const co = await seedTestCompany();
    const key = `test:${crypto.randomUUID()}`;
    const first = await queueInvitation(co.companyId, "nina@example.test", key);
    const again = await queueInvitation(co.companyId, "nina@example.test", key);
    expect(first.queued).toBe(true);
    expect(again).toEqual({ id: first.id, queued: false });
    expect(await row(first.id)).toMatchObject({ status: "queued", attempts: 0, toAddress: "nina@example.test", subject: "You’re invited to Test Co on Switchboard" });

    // Rolled back with the caller's transaction: no email about something that never happened.
    const key2 = `test:${crypto.randomUUID()}`;
    await expect(
      db.transaction(async (tx) => {
        await queueEmail({ db: tx, companyId: co.companyId, kind: "invitation", dedupeKey: key2, to: "x@example.test", locale: "en", template: { name: "invitation", props: { recipientName: "X", inviterName: "A", companyName: "C", role: "admin", link: "http://l/", expiresAt: new Date() } } });
        throw new Error("rollback");
      }),
    ).rejects.toThrow("rollback");
    expect(await db.select().from(emailDeliveries).where(eq(emailDeliveries.dedupeKey, key2))).toHaveLength(0);
  });

  it("sends through the real Resend SDK: to, subject, html, text and the dedupe key as Idempotency-Key", async () => {
    const co = await seedTestCompany();
    const to = unique("nina");
    const { id } = await queueInvitation(co.companyId, to);
    const email = await row(id);
    answer(to, 200, { id: "re_message_123" });
    await deliver(resendFromEnv(), "Switchboard <alerts@switchboard.test>");

    const [request, ...more] = requestsTo(to);
    expect(more).toHaveLength(0);
    expect(request!.method).toBe("POST");
    expect(request!.path).toBe("/emails");
    expect(request!.headers["idempotency-key"]).toBe(email.dedupeKey);
    expect(request!.headers.authorization).toBe("Bearer re_test_key");
    expect(request!.body).toMatchObject({ from: "Switchboard <alerts@switchboard.test>", to: [to], subject: "You’re invited to Test Co on Switchboard" });
    expect(request!.body.html).toBe(email.html);
    expect(request!.body.html).toContain('href="http://localhost:3000/set-password?token=t0k3n"');
    expect(request!.body.text).toBe(email.textBody);
    expect(await row(id)).toMatchObject({ status: "sent", attempts: 1, providerMessageId: "re_message_123", error: null });
    expect((await row(id)).sentAt).toBeInstanceOf(Date);
  });

  it("retries after a 500 with backoff and the same Idempotency-Key, then records the message id", async () => {
    const co = await seedTestCompany();
    const to = unique("retry");
    const { id } = await queueInvitation(co.companyId, to);
    const { dedupeKey } = await row(id);
    answer(to, 500, { statusCode: 500, name: "internal_server_error", message: "Something broke" });
    const before = Date.now();
    await deliver(resendFromEnv());
    const waiting = await row(id);
    expect(waiting).toMatchObject({ status: "queued", attempts: 1 });
    expect(waiting.error).toContain("500");
    expect(waiting.nextAttemptAt.getTime() - before).toBeGreaterThanOrEqual(25_000);

    await deliver(resendFromEnv()); // not due yet: nothing is sent early
    expect(requestsTo(to)).toHaveLength(1);

    await makeDue(id);
    answer(to, 200, { id: "re_after_retry" });
    await deliver(resendFromEnv());
    const attempts = requestsTo(to);
    expect(attempts).toHaveLength(2);
    expect(attempts.map((a) => a.headers["idempotency-key"])).toEqual([dedupeKey, dedupeKey]);
    expect(await row(id)).toMatchObject({ status: "sent", attempts: 2, providerMessageId: "re_after_retry", error: null });
  });

  it("after Resend fails, the rest of the pass waits for the next one instead of each waiting out the same failure", async () => {
    const co = await seedTestCompany();
    const [first, second] = [unique("first"), unique("second")];
    const a = await queueInvitation(co.companyId, first);
    const b = await queueInvitation(co.companyId, second);
    answer(first, 503, { statusCode: 503, name: "service_unavailable", message: "Down" });
    const before = Date.now();
    await deliver(resendFromEnv());
    expect(requestsTo(first)).toHaveLength(1);
    expect(requestsTo(second)).toHaveLength(0);
    const waiting = await row(b.id);
    expect(waiting).toMatchObject({ status: "queued", attempts: 0, error: null });
    expect(waiting.nextAttemptAt.getTime() - before).toBeGreaterThanOrEqual(25_000);
    expect(await row(a.id)).toMatchObject({ status: "queued", attempts: 1 });

    await makeDue(a.id);
    await makeDue(b.id);
    await deliver(resendFromEnv());
    expect(await row(a.id)).toMatchObject({ status: "sent", attempts: 2 });
    expect(await row(b.id)).toMatchObject({ status: "sent", attempts: 1 });
  });

  it("gives up after the cap and keeps the error for the Mailbox; a refusal that retrying cannot fix fails at once", async () => {
    const co = await seedTestCompany();
    const to = unique("cap");
    const { id } = await queueInvitation(co.companyId, to);
    await db.update(emailDeliveries).set({ attempts: MAX_EMAIL_ATTEMPTS - 1 }).where(eq(emailDeliveries.id, id));
    answer(to, 503, { statusCode: 503, name: "service_unavailable", message: "Down" });
    await deliver(resendFromEnv());
    const failed = await row(id);
    expect(failed).toMatchObject({ status: "failed", attempts: MAX_EMAIL_ATTEMPTS });
    expect(failed.error).toContain("503");

    const invalid = unique("invalid");
    const second = await queueInvitation(co.companyId, invalid);
    answer(invalid, 422, { statusCode: 422, name: "validation_error", message: "Invalid `to` field." });
    await deliver(resendFromEnv());
    expect(await row(second.id)).toMatchObject({ status: "failed", attempts: 1, error: "Resend 422 validation_error: Invalid `to` field." });
  });

  it("without RESEND_API_KEY captures the email for the Mailbox instead of dropping it", async () => {
    expect(transportFromEnv(parseEnv({ ...processEnvironment(), RESEND_API_KEY: "" }))).toBeNull();
    const co = await seedTestCompany();
    const to = unique("local");
    const { id } = await queueInvitation(co.companyId, to);
    await deliver(null);
    expect(requestsTo(to)).toHaveLength(0);
    const captured = await row(id);
    expect(captured).toMatchObject({ status: "captured", attempts: 0, providerMessageId: null });
    expect(captured.sentAt).toBeInstanceOf(Date);
  });
});
