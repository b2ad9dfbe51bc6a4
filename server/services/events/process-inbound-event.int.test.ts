import { readFileSync } from "node:fs";
import { eq, sql } from "drizzle-orm";
import { describe, expect, inject, it, vi } from "vitest";
import { db } from "../../../db";
import { companies, inboundEvents, messages, outboundSends } from "../../../db/schema";
import { callerFor, seedTestCompany } from "../../testing/factories";
import { telegramFake } from "../../testing/setup";
import { deliverDueSends } from "../sends/deliver-due-sends";
import { processInboundEvent, sweepInboundEvents } from "./process-inbound-event";

const update = JSON.parse(readFileSync(new URL("../../../e2e/fixtures/telegram/update_message_text.json", import.meta.url), "utf8")) as Record<string, unknown>;

/** An event stored by the webhook whose processing never ran (the process died right after the ack). */
async function storedButUnprocessed(co: Awaited<ReturnType<typeof seedTestCompany>>, updateId: number, text: string) {
  const payload = { ...update, update_id: updateId, message: { ...(update.message as object), message_id: updateId, text } };
  const [event] = await db
    .insert(inboundEvents)
    .values({ provider: "telegram", companyId: co.companyId, channelId: co.telegram.channelId, dedupeKey: `${co.telegram.botId}:${updateId}`, eventType: "message", payload, receivedAt: new Date(Date.now() - 60_000) })
    .returning();
  return event!;
}

describe("processing stored events", () => {
  it("the sweeper processes an event a crash left behind", async () => {
    const co = await seedTestCompany();
    const event = await storedButUnprocessed(co, 4242, "left behind by a crash");
    expect(await sweepInboundEvents()).toBeGreaterThanOrEqual(1);
    const [row] = await db.select().from(inboundEvents).where(eq(inboundEvents.id, event.id));
    expect(row).toMatchObject({ status: "processed", attempts: 1 });
    expect(await db.select().from(messages).where(eq(messages.text, "left behind by a crash"))).toHaveLength(1);
  });

  it("an event is due by the database's clock, whatever an app server's clock says", async () => {
    const co = await seedTestCompany();
    const event = await storedButUnprocessed(co, 4545, "this app server's clock is behind");
    // This process's clock an hour behind the database's (clocks of different hosts differ).
    vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
    vi.setSystemTime(new Date(Date.now() - 60 * 60_000));
    try {
      await processInboundEvent(event.id);
    } finally {
      vi.useRealTimers();
    }
    const [row] = await db.select().from(inboundEvents).where(eq(inboundEvents.id, event.id));
    expect(row).toMatchObject({ status: "processed", attempts: 1 });
    expect(await db.select().from(messages).where(eq(messages.text, "this app server's clock is behind"))).toHaveLength(1);
  });

  it("two concurrent runs on one event make one message", async () => {
    const co = await seedTestCompany();
    const event = await storedButUnprocessed(co, 4343, "raced");
    await Promise.all([processInboundEvent(event.id), processInboundEvent(event.id), sweepInboundEvents()]);
    expect(await db.select().from(messages).where(eq(messages.text, "raced"))).toHaveLength(1);
  });

  it("two workers draining the send queue at once send each reply once", async () => {
    const co = await seedTestCompany();
    await processInboundEvent((await storedButUnprocessed(co, 4444, "hello")).id);
    const operator = callerFor({ id: co.operators[0]!.id, companyId: co.companyId, role: "operator" });
    const [conversation] = (await operator.inbox.list({ filter: "open" })).filter((c) => c.provider === "telegram");
    const reply = await operator.inbox.reply({ conversationId: conversation!.id, text: "exactly once please" });
    await Promise.all([deliverDueSends(), deliverDueSends(), deliverDueSends()]);
    expect(telegramFake.calls.filter((c) => c.params.text === "exactly once please")).toHaveLength(1);
    const [send] = await db.select().from(outboundSends).where(eq(outboundSends.messageId, reply.id));
    expect(send).toMatchObject({ status: "sent", attempts: 1 });
  });

  it.runIf(inject("databaseKind") === "pglite")("on the embedded database, transactions never interleave and uncommitted rows stay invisible", async () => {
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = db.transaction(async (tx) => {
      order.push("first:start");
      await tx.insert(companies).values({ name: "uncommitted", registrationEmail: "x@example.test" });
      await gate;
      order.push("first:end");
      throw new Error("roll back");
    });
    // Queued behind the open transaction: PGlite serves one session, so this cannot run in between.
    const second = db.transaction(async (tx) => {
      order.push("second:start");
      const [row] = await tx.select({ n: sql<number>`count(*)::int` }).from(companies).where(eq(companies.name, "uncommitted"));
      order.push(`second:saw:${row!.n}`);
    });
    await new Promise((r) => setTimeout(r, 50));
    release();
    await expect(first).rejects.toThrow("roll back");
    await second;
    expect(order).toEqual(["first:start", "first:end", "second:start", "second:saw:0"]);
  });
});
