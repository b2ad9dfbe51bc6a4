import { randomInt } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { and, eq, inArray, sql } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { db } from "../../../db";
import { inboundEvents, messages, postCommitJobs } from "../../../db/schema";
import { callerFor } from "../../testing/factories";
import { postTelegram, webhookCompany } from "../../testing/webhooks";
import { MAX_PROCESS_ATTEMPTS, processInboundEvent } from "./process-inbound-event";

// Processing that fails on demand, as a database outage would.
const failing = vi.hoisted(() => ({ on: false }));
vi.mock("./apply-normalized-events", async (importOriginal) => {
  const real = await importOriginal<typeof import("./apply-normalized-events")>();
  return {
    ...real,
    applyNormalizedEvents: (...args: Parameters<typeof real.applyNormalizedEvents>) => {
      if (failing.on) throw new Error("boom");
      return real.applyNormalizedEvents(...args);
    },
  };
});

const eventRow = async (id: string) => (await db.select().from(inboundEvents).where(eq(inboundEvents.id, id)))[0]!;

describe("retries and the dead letter", () => {
  it("a failing event retries with backoff, holds its chat back, lands in the dead letter with its reason, and Retry brings it in", async () => {
    const hc = await webhookCompany();
    const chat = { id: randomInt(1, 2 ** 40), type: "private", first_name: "Ann" };
    const u = randomInt(1, 2 ** 40);
    const update = (n: number, text: string) => JSON.stringify({ update_id: u + n, message: { message_id: u + n, date: 1_767_225_600, chat, from: { id: 7, is_bot: false, first_name: "Ann" }, text } });
    const idOf = async (n: number) => (await db.select().from(inboundEvents).where(eq(inboundEvents.dedupeKey, `${hc.co.telegram.botId}:${u + n}`)))[0]!.id;

    failing.on = true;
    await (await postTelegram(hc.telegram.channelId, hc.telegram.secret, update(0, "first"))).after?.();
    const first = await idOf(0);
    const once = await eventRow(first);
    expect(once).toMatchObject({ status: "received", attempts: 1, note: "processing failed (Error)", failureReason: null });
    expect(once.nextAttemptAt.getTime()).toBeGreaterThan(Date.now());

    // The next message of the same chat waits behind it: provider order is never broken.
    failing.on = false;
    await (await postTelegram(hc.telegram.channelId, hc.telegram.secret, update(1, "second"))).after?.();
    expect(await eventRow(await idOf(1))).toMatchObject({ status: "received", attempts: 0 });

    // The last attempt fails too: dead letter, with the reason; the chat moves on.
    failing.on = true;
    await db.update(inboundEvents).set({ attempts: MAX_PROCESS_ATTEMPTS - 1, nextAttemptAt: sql`now()` }).where(eq(inboundEvents.id, first));
    await processInboundEvent(first);
    expect(await eventRow(first)).toMatchObject({ status: "failed", attempts: MAX_PROCESS_ATTEMPTS, failureReason: "processing_error" });
    failing.on = false;
    await (await postTelegram(hc.telegram.channelId, hc.telegram.secret, update(2, "third"))).after?.();
    await (await postTelegram(hc.telegram.channelId, hc.telegram.secret, update(3, "fourth"))).after?.();
    const texts = async () =>
      (
        await db
          .select({ text: messages.text })
          .from(messages)
          .where(and(eq(messages.channelId, hc.telegram.channelId), inArray(messages.text, ["first", "second", "third", "fourth"])))
          .orderBy(messages.sortKey)
      ).map((m) => m.text);
    expect(await texts()).toEqual(["second", "third", "fourth"]);

    const admin = callerFor({ id: hc.co.admin.id, companyId: hc.co.companyId, role: "admin" });
    const letters = await admin.ingest.deadLetters({ limit: 10 });
    expect(letters).toMatchObject({ count: 1, byReason: { processing_error: 1 }, items: [{ id: first, provider: "telegram", eventType: "message", reason: "processing_error", retryable: true }] });
    const operator = callerFor({ id: hc.co.operators[0]!.id, companyId: hc.co.companyId, role: "operator" });
    await expect(operator.ingest.deadLetters({ limit: 10 })).rejects.toBeInstanceOf(TRPCError);
    await expect(operator.ingest.retry({ eventIds: [first] })).rejects.toBeInstanceOf(TRPCError);
    // Another company's admin sees none of it and cannot retry it.
    const other = await webhookCompany();
    const stranger = callerFor({ id: other.co.admin.id, companyId: other.co.companyId, role: "admin" });
    expect((await stranger.ingest.deadLetters({ limit: 10 })).count).toBe(0);
    expect(await stranger.ingest.retry({ eventIds: [first] })).toEqual({ retried: 0 });

    expect(await admin.ingest.retry({ eventIds: [first] })).toEqual({ retried: 1 });
    expect(await eventRow(first)).toMatchObject({ status: "processed" });
    expect(await texts()).toEqual(["first", "second", "third", "fourth"]);
    expect((await admin.ingest.deadLetters({ limit: 10 })).count).toBe(0);
    expect(await db.select().from(inboundEvents).where(and(eq(inboundEvents.channelId, hc.telegram.channelId), eq(inboundEvents.status, "received")))).toHaveLength(0);
  });

  it("follow-up work that failed for good (copying files, a contact's name) is shown with the dead letters, and Retry all makes it due again", async () => {
    const hc = await webhookCompany();
    const admin = callerFor({ id: hc.co.admin.id, companyId: hc.co.companyId, role: "admin" });
    expect(await admin.ingest.deadLetters({ limit: 10 })).toMatchObject({ count: 0, followUpCount: 0, followUps: {} });
    const gaveUp = { attempts: 8, failedAt: new Date(), lastError: "timeout", lockedUntil: null };
    await db.insert(postCommitJobs).values([
      { companyId: hc.co.companyId, name: "fetch-attachments", payload: { messageIds: [] }, ...gaveUp },
      { companyId: hc.co.companyId, name: "fetch-attachments", payload: { messageIds: [] }, ...gaveUp },
      { companyId: hc.co.companyId, name: "fill-contact-profiles", payload: { messageIds: [] }, ...gaveUp },
      // Still retrying: not a dead letter yet.
      { companyId: hc.co.companyId, name: "fetch-attachments", payload: { messageIds: [] }, attempts: 2, nextAttemptAt: new Date(Date.now() + 60_000) },
    ]);
    expect(await admin.ingest.deadLetters({ limit: 10 })).toMatchObject({ count: 0, followUpCount: 3, followUps: { "fetch-attachments": 2, "fill-contact-profiles": 1 } });
    const other = await webhookCompany();
    expect((await callerFor({ id: other.co.admin.id, companyId: other.co.companyId, role: "admin" }).ingest.deadLetters({ limit: 10 })).followUpCount).toBe(0);

    // Retrying one event leaves them; Retry all puts them back in the queue with fresh attempts.
    expect(await admin.ingest.retry({ eventIds: [crypto.randomUUID()] })).toEqual({ retried: 0 });
    expect((await admin.ingest.deadLetters({ limit: 10 })).followUpCount).toBe(3);
    expect(await admin.ingest.retry({})).toEqual({ retried: 3 });
    expect((await admin.ingest.deadLetters({ limit: 10 })).followUpCount).toBe(0);
    const jobs = await db.select().from(postCommitJobs).where(eq(postCommitJobs.companyId, hc.co.companyId));
    expect(jobs.filter((j) => j.failedAt === null && j.attempts === 0)).toHaveLength(3);
  });
});
