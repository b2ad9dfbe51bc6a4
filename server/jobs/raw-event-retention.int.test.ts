import { randomInt, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { and, eq, inArray, sql } from "drizzle-orm";
import { afterAll, describe, expect, inject, it } from "vitest";
import { databaseClient, db } from "../../db";
import { inboundEvents, messages } from "../../db/schema";
import { MIN_RAW_EVENT_RETENTION_DAYS } from "../env.js";
import { deleteExpiredRawEvents } from "../services/events/raw-event-retention";
import { postTelegramUpdate, seedTestCompany } from "../testing/factories";
import { createBoss } from "./boss";
import { RETENTION_QUEUE, startRawEventRetention } from "./raw-event-retention";

const BOSS_SCHEMA = "pgboss_retention_test";
const boss = createBoss(databaseClient(), { schema: BOSS_SCHEMA, singleConnection: inject("databasePoolMax") === 1 });
let bossStarted = false;
afterAll(async () => {
  if (bossStarted) await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
  await databaseClient().unsafe(`drop schema if exists ${BOSS_SCHEMA} cascade`);
});

type Status = (typeof inboundEvents.$inferInsert)["status"];

/** One stored event of the channel, received and processed the given number of days ago (null: not processed). */
function eventRow(co: { companyId: string; telegram: { channelId: string } }, status: Status, receivedDaysAgo: number, processedDaysAgo: number | null) {
  const ago = (days: number) => new Date(Date.now() - days * 24 * 60 * 60 * 1000);
  return {
    provider: "telegram" as const,
    companyId: co.companyId,
    channelId: co.telegram.channelId,
    dedupeKey: `retention-test:${randomUUID()}`,
    eventType: "message",
    payload: { message: { text: "a customer's words", from: { first_name: "Ivan" } } },
    status,
    failureReason: status === "failed" ? "unsupported_shape" : null,
    receivedAt: ago(receivedDaysAgo),
    processedAt: processedDaysAgo === null ? null : ago(processedDaysAgo),
  };
}

const keysOf = async (channelIds: string[]) =>
  (await db.select({ key: inboundEvents.dedupeKey }).from(inboundEvents).where(inArray(inboundEvents.channelId, channelIds))).map((r) => r.key).sort();

describe("retention of raw webhook events", () => {
  it("deletes only events processed or ignored longer ago than the retention, in every company, batch after batch", async () => {
    const a = await seedTestCompany("Retention A");
    const b = await seedTestCompany("Retention B");
    const expired = [a, b].flatMap((co) => [
      eventRow(co, "processed", 40, 40),
      eventRow(co, "processed", 35, 35),
      eventRow(co, "processed", 31, 31),
      eventRow(co, "ignored", 45, 45),
    ]);
    const kept = [a, b].flatMap((co) => [
      eventRow(co, "received", 40, null), // not processed yet: still in the queue
      eventRow(co, "failed", 40, 40), // a dead letter: kept until someone handles it
      eventRow(co, "processed", 2, 2), // recent
      eventRow(co, "processed", 29, 29), // inside the retention
      eventRow(co, "processed", 40, 1), // a retried dead letter: counted from when it was processed
    ]);
    await db.insert(inboundEvents).values([...expired, ...kept]);
    const channelIds = [a.telegram.channelId, b.telegram.channelId];

    try {
      // A batch smaller than the rows: the pass loops until a batch comes back short.
      const outcome = await deleteExpiredRawEvents(db, { retentionDays: 30, batchSize: 3, pauseMs: 0 });
      expect(outcome.finished).toBe(true);
      expect(outcome.deleted).toBeGreaterThanOrEqual(expired.length);
      expect(outcome.batches).toBeGreaterThanOrEqual(Math.ceil(expired.length / 3));

      expect(await keysOf(channelIds)).toEqual(kept.map((r) => r.dedupeKey).sort());
      // Nothing is left to do: a second pass deletes none of these.
      await deleteExpiredRawEvents(db, { retentionDays: 30, batchSize: 3, pauseMs: 0 });
      expect(await keysOf(channelIds)).toEqual(kept.map((r) => r.dedupeKey).sort());
    } finally {
      // The old unprocessed rows would otherwise sit in the shared test database's queue.
      await db.delete(inboundEvents).where(inArray(inboundEvents.channelId, channelIds));
    }
  });

  it("a pass stopped by its time budget says so and leaves the rest to the next pass", async () => {
    const co = await seedTestCompany("Retention budget");
    const rows = Array.from({ length: 4 }, () => eventRow(co, "processed", 40, 40));
    await db.insert(inboundEvents).values(rows);
    const first = await deleteExpiredRawEvents(db, { retentionDays: 30, batchSize: 2, pauseMs: 0, maxPassMs: 0 });
    expect(first).toMatchObject({ batches: 1, finished: false });
    expect(first.deleted).toBe(2);
    const rest = await deleteExpiredRawEvents(db, { retentionDays: 30, batchSize: 2, pauseMs: 0 });
    expect(rest.finished).toBe(true);
    expect(await keysOf([co.telegram.channelId])).toEqual([]);
  });

  it("a redelivered webhook whose event is still kept is deduplicated; one deleted later makes no second message", async () => {
    const co = await seedTestCompany("Retention redelivery");
    const fixture = JSON.parse(readFileSync(new URL("../../e2e/fixtures/telegram/update_message_text.json", import.meta.url), "utf8")) as Record<string, unknown>;
    const update = { ...fixture, update_id: randomInt(1, 2 ** 40) };
    expect((await postTelegramUpdate(co.telegram.channelId, co.telegram.webhookSecret, update)).status).toBe(200);
    const channelEvents = () => db.select().from(inboundEvents).where(eq(inboundEvents.channelId, co.telegram.channelId));
    const channelMessages = () => db.select().from(messages).where(and(eq(messages.channelId, co.telegram.channelId), eq(messages.text, "Hello! Where is my order #4512?")));
    expect((await channelEvents()).map((e) => e.status)).toEqual(["processed"]);

    // Two days later — past every provider's redelivery window — the shortest retention still keeps the event.
    await db.update(inboundEvents).set({ receivedAt: sql`now() - interval '2 days'`, processedAt: sql`now() - interval '2 days'` }).where(eq(inboundEvents.channelId, co.telegram.channelId));
    await deleteExpiredRawEvents(db, { retentionDays: MIN_RAW_EVENT_RETENTION_DAYS, pauseMs: 0 });
    expect(await channelEvents()).toHaveLength(1);
    const again = await postTelegramUpdate(co.telegram.channelId, co.telegram.webhookSecret, update);
    expect(await again.json()).toMatchObject({ duplicate: true });
    expect(await channelEvents()).toHaveLength(1);
    expect(await channelMessages()).toHaveLength(1);

    // Past the retention the event goes; a (very) late redelivery is stored again but the message stays one.
    await db
      .update(inboundEvents)
      .set({ receivedAt: sql`now() - make_interval(days => ${MIN_RAW_EVENT_RETENTION_DAYS + 1})`, processedAt: sql`now() - make_interval(days => ${MIN_RAW_EVENT_RETENTION_DAYS + 1})` })
      .where(eq(inboundEvents.channelId, co.telegram.channelId));
    await deleteExpiredRawEvents(db, { retentionDays: MIN_RAW_EVENT_RETENTION_DAYS, pauseMs: 0 });
    expect(await channelEvents()).toHaveLength(0);
    await postTelegramUpdate(co.telegram.channelId, co.telegram.webhookSecret, update);
    expect(await channelMessages()).toHaveLength(1);
  });

  it("runs as a durable pg-boss job that schedules its next pass", async () => {
    const co = await seedTestCompany("Retention job");
    const old = eventRow(co, "processed", 40, 40);
    const failed = eventRow(co, "failed", 40, 40);
    await db.insert(inboundEvents).values([old, failed]);
    await boss.start();
    bossStarted = true;
    const retention = await startRawEventRetention(boss, db, 30, { everySeconds: 3600, firstAfterSeconds: 0, pauseMs: 0 });
    try {
      let keys = await keysOf([co.telegram.channelId]);
      const started = Date.now();
      while (keys.includes(old.dedupeKey) && Date.now() - started < 20_000) {
        await new Promise((r) => setTimeout(r, 250));
        keys = await keysOf([co.telegram.channelId]);
      }
      expect(keys).toEqual([failed.dedupeKey]);
      // The pass queued the next one, an hour on; another start's send is refused while it waits.
      const waiting = async () =>
        (await databaseClient().unsafe(`select start_after > now() + interval '30 minutes' as later from ${BOSS_SCHEMA}.job where name = $1 and state = 'created'`, [RETENTION_QUEUE])) as unknown as { later: boolean }[];
      let queued = await waiting();
      while (queued.length === 0 && Date.now() - started < 20_000) {
        await new Promise((r) => setTimeout(r, 250));
        queued = await waiting();
      }
      expect(queued).toEqual([{ later: true }]);
      await retention.schedule(0);
      queued = await waiting();
      expect(queued).toEqual([{ later: true }]);
    } finally {
      retention.stop();
      await db.delete(inboundEvents).where(eq(inboundEvents.channelId, co.telegram.channelId));
    }
  }, 40_000);
});
