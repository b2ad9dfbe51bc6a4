import { randomInt, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { eq, inArray, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { webhookCompany } from "../server/testing/webhooks";
import { db } from "./index";
import { inboundEvents, pendingEffects } from "./schema";

/** The backfill migration's statements, run again (they only fill rows whose chat_id is still null). */
async function runBackfill() {
  const file = readFileSync(new URL("./migrations/0022_pending_effect_chat_backfill.sql", import.meta.url), "utf8");
  for (const statement of file.split("--> statement-breakpoint")) if (statement.replace(/--.*$/gm, "").trim()) await db.execute(sql.raw(statement));
}

describe("pending_effects.chat_id backfill (migration 0022)", () => {
  it("fills the chat of effects kept before it was recorded: from the watermark, the Telegram / VK key, or the Meta event that named the mid", async () => {
    const hc = await webhookCompany();
    const { companyId } = hc.co;
    const psid = String(10 ** 14 + randomInt(1, 2 ** 46));
    const mid = `m_backfill_${randomUUID()}`;
    const chat = String(-1_000_000_000_000 - randomInt(1, 1_000_000));
    // The raw event that carried the Meta edit: its stream names the customer, its payload the mid.
    await db.insert(inboundEvents).values({
      provider: "messenger",
      companyId,
      channelId: hc.meta.pageChannelId,
      dedupeKey: `backfill-test:${randomUUID()}`,
      eventType: "messaging",
      payload: { item: { sender: { id: psid }, message_edit: { mid, text: "edited", num_edit: 1 } } },
      status: "processed",
      orderKey: `${hc.meta.pageChannelId}:${psid}`,
    });
    const rows = await db
      .insert(pendingEffects)
      .values([
        { companyId, channelId: hc.meta.pageChannelId, target: mid, effect: { kind: "edit", text: "edited", editedAt: new Date().toISOString() } },
        { companyId, channelId: hc.meta.pageChannelId, target: `m_orphan_${randomUUID()}`, effect: { kind: "receipt", status: "read" } },
        { companyId, channelId: hc.telegram.channelId, target: `${chat}:55`, effect: { kind: "receipt", status: "read" } },
        { companyId, channelId: hc.vk.channelId, target: "watermark:2000000001", effect: { kind: "watermark", chatId: "2000000001", status: "read", watermark: new Date().toISOString() } },
      ])
      .returning({ id: pendingEffects.id });
    await runBackfill();
    const after = await db.select({ id: pendingEffects.id, chatId: pendingEffects.chatId }).from(pendingEffects).where(inArray(pendingEffects.id, rows.map((r) => r.id)));
    const chatOf = (i: number) => after.find((a) => a.id === rows[i]!.id)?.chatId;
    expect([0, 1, 2, 3].map(chatOf)).toEqual([psid, null, chat, "2000000001"]);
    await db.delete(pendingEffects).where(eq(pendingEffects.companyId, companyId));
  });
});
