import { randomInt } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, describe, expect, inject, it } from "vitest";
import { databaseClient, db } from "../../db";
import { contacts, messages } from "../../db/schema";
import { callerFor, postTelegramUpdate, seedTestCompany } from "../testing/factories";
import { createBoss } from "./boss";
import { startContactErasures } from "./contact-erasures";

const BOSS_SCHEMA = "pgboss_erasure_test";
const boss = createBoss(databaseClient(), { schema: BOSS_SCHEMA, singleConnection: inject("databasePoolMax") === 1 });
let bossStarted = false;
afterAll(async () => {
  if (bossStarted) await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
  await databaseClient().unsafe(`drop schema if exists ${BOSS_SCHEMA} cascade`);
});

describe("contact erasure job", () => {
  it("an admin's request is carried out by the durable pg-boss job, rung at once", async () => {
    const co = await seedTestCompany("Erasure job");
    const chatId = 6_000_000_000 + randomInt(1, 900_000_000);
    const update = randomInt(1, 2 ** 40);
    const res = await postTelegramUpdate(co.telegram.channelId, co.telegram.webhookSecret, {
      update_id: update,
      message: { message_id: 1, date: Math.floor(Date.now() / 1000), chat: { id: chatId, first_name: "Erin", type: "private" }, from: { id: chatId, first_name: "Erin", is_bot: false }, text: "erase me" },
    });
    expect(res.status).toBe(200);
    const [row] = await db.select({ conversationId: messages.conversationId }).from(messages).where(and(eq(messages.companyId, co.companyId), eq(messages.text, "erase me")));

    await boss.start();
    bossStarted = true;
    const job = await startContactErasures(boss, db, { sweep: false });
    try {
      const admin = callerFor({ id: co.admin.id, companyId: co.companyId, role: "admin" });
      const { id } = await admin.inbox.eraseContact({ conversationId: row!.conversationId });
      const started = Date.now();
      let status = (await admin.inbox.erasure({ erasureId: id })).status;
      while (status !== "done" && Date.now() - started < 20_000) {
        await new Promise((r) => setTimeout(r, 200));
        status = (await admin.inbox.erasure({ erasureId: id })).status;
      }
      expect(status).toBe("done");
      expect(await db.select().from(contacts).where(and(eq(contacts.channelId, co.telegram.channelId), eq(contacts.externalId, String(chatId))))).toEqual([]);
      // The job's payload names the request, never the contact.
      const payloads = (await databaseClient().unsafe(`select data from ${BOSS_SCHEMA}.job where name = 'erase-contact'`)) as unknown as { data: unknown }[];
      expect(payloads.map((p) => (typeof p.data === "string" ? JSON.parse(p.data) : p.data))).toEqual([{ erasureId: id }]);
    } finally {
      job.stop();
    }
  }, 40_000);
});
