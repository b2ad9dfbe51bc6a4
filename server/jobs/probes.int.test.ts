import { eq } from "drizzle-orm";
import { afterAll, describe, expect, inject, it } from "vitest";
import { databaseClient, db } from "../../db";
import { channelIncidents, channels } from "../../db/schema";
import type { TelegramCredentials } from "../channels/telegram/credentials";
import { open } from "../crypto/secret-box";
import { seedTestCompany } from "../testing/factories";
import { telegramFake } from "../testing/setup";
import { createBoss } from "./boss";
import { startProbeScheduler } from "./probes";

const boss = createBoss(databaseClient(), { schema: "pgboss_probe_test", singleConnection: inject("databasePoolMax") === 1 });
afterAll(async () => {
  // Graceful: a probe still in its handler completes its job before the schema goes (else pg-boss writes to a
  // dropped table after the test).
  await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
  await databaseClient().unsafe("drop schema if exists pgboss_probe_test cascade");
});

describe("scheduled probes on pg-boss", () => {
  it("notices a silent loss within about two intervals, on the app's own pool", async () => {
    await boss.start();
    const interval = 5;
    const scheduler = await startProbeScheduler(boss, db, interval, { sweep: false });
    const co = await seedTestCompany("Silent loss");
    const channelId = co.telegram.channelId;
    const [row] = await db.select().from(channels).where(eq(channels.id, channelId));
    // Another program takes the bot's webhook; nothing is sent, so only a probe can notice.
    telegramFake.webhooks.set(open<TelegramCredentials>(row!.credentials).botToken, { url: "https://elsewhere.example/bot", maxConnections: 40 });

    const started = Date.now();
    await scheduler.schedule(channelId, 0);
    // A second schedule for the same channel while one is queued is refused by the queue's policy.
    await scheduler.schedule(channelId, 0);
    let status = "active";
    while (status === "active" && Date.now() - started < 25_000) {
      await new Promise((r) => setTimeout(r, 250));
      status = (await db.select({ status: channels.status }).from(channels).where(eq(channels.id, channelId)))[0]!.status;
    }
    const tookSeconds = (Date.now() - started) / 1000;
    expect(status).toBe("disconnected");
    expect(tookSeconds).toBeLessThan(4 * interval);
    const incidents = await db.select().from(channelIncidents).where(eq(channelIncidents.channelId, channelId));
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ detectedBy: "probe", reasonCode: "webhook_replaced" });
    const getMes = telegramFake.calls.filter((c) => c.method === "getMe" && c.token === open<TelegramCredentials>(row!.credentials).botToken);
    expect(getMes.length).toBe(2); // one job at a time per channel: the duplicate schedule ran nothing
    scheduler.stop();
  }, 40_000);
});
