import { and, eq, inArray, lte, or, sql } from "drizzle-orm";
import type { Tx } from "../../../db";
import { channels, messages, pendingEffects, type PendingEffect } from "../../../db/schema";
import type { RealtimeEvent } from "../../realtime/channels";

type Channel = Pick<typeof channels.$inferSelect, "id" | "companyId">;

/** A message stored in this transaction: pending effects waiting for one of its keys apply to it. */
export type StoredMessage = {
  channelId: string;
  messageId: string;
  conversationId: string;
  /** Its provider keys: the message id, and for multi-part sends every part. */
  keys: string[];
  direction: "inbound" | "outbound";
  chatId: string;
  /** Outbound only: when it was sent, for read / delivery watermarks. */
  sentAt: Date | null;
  /** Inbound only: it has attachments to copy from the provider. */
  fetchable?: boolean;
};

/**
 * Keeps an edit or receipt for a message not stored yet (target: its provider key, or "watermark:<chat>"), with the
 * chat the event came from (a contact's erasure deletes the chat's effects by it, whatever the key names).
 */
export async function keepPendingEffect(tx: Tx, channel: Channel, chatId: string, target: string, effect: PendingEffect, sequence: number): Promise<void> {
  await tx.insert(pendingEffects).values({ companyId: channel.companyId, channelId: channel.id, chatId, target, effect, sequence: Number.isSafeInteger(sequence) ? sequence : null });
}

const ORDER = { pending: 0, sent: 1, delivered: 2, read: 3, failed: -1 } as const;

/**
 * Applies what waited for the messages stored in this transaction, in provider order: the newest edit wins,
 * receipts only move a status forward (sent → delivered → read), and a watermark covers outbound messages sent
 * at or before it. Applied effects are removed; watermarks stay for later messages (and expire with the rest).
 */
export async function settlePendingEffects(tx: Tx, stored: StoredMessage[]): Promise<RealtimeEvent[]> {
  if (stored.length === 0) return [];
  const pairs = new Map<string, { channelId: string; target: string }>();
  for (const m of stored) {
    for (const key of m.keys) pairs.set(`${m.channelId}\u0000${key}`, { channelId: m.channelId, target: key });
    if (m.direction === "outbound") pairs.set(`${m.channelId}\u0000watermark:${m.chatId}`, { channelId: m.channelId, target: `watermark:${m.chatId}` });
  }
  const rows = await tx
    .select()
    .from(pendingEffects)
    // One jsonb parameter: one statement shape (prepared once) whatever the batch size.
    .where(sql`(${pendingEffects.channelId}, ${pendingEffects.target}) in (select v.c, v.t from jsonb_to_recordset(${JSON.stringify([...pairs.values()].map((p) => ({ c: p.channelId, t: p.target })))}::jsonb) as v(c uuid, t text))`)
    .orderBy(sql`${pendingEffects.sequence} asc nulls last`, pendingEffects.createdAt);
  if (rows.length === 0) return [];

  const out: RealtimeEvent[] = [];
  const applied: string[] = [];
  const touched = new Set<string>();
  for (const row of rows) {
    const effect = row.effect;
    if (effect.kind === "watermark") {
      const covered = stored.filter((m) => m.channelId === row.channelId && m.direction === "outbound" && m.chatId === effect.chatId && m.sentAt && m.sentAt <= new Date(effect.watermark));
      for (const m of covered) await forward(tx, m.messageId, effect.status, touched);
      continue;
    }
    const target = stored.find((m) => m.channelId === row.channelId && m.keys.includes(row.target));
    if (!target) continue;
    applied.push(row.id);
    if (effect.kind === "edit") {
      const editedAt = new Date(effect.editedAt);
      const [done] = await tx
        .update(messages)
        .set({ text: effect.text, editedAt })
        .where(and(eq(messages.id, target.messageId), or(sql`${messages.editedAt} is null`, lte(messages.editedAt, editedAt))))
        .returning({ id: messages.id });
      if (done) touched.add(target.messageId);
    } else {
      await forward(tx, target.messageId, effect.status, touched);
    }
  }
  if (applied.length) await tx.delete(pendingEffects).where(inArray(pendingEffects.id, applied));
  for (const m of stored) if (touched.has(m.messageId)) out.push({ name: "message.updated", data: { conversationId: m.conversationId, messageId: m.messageId } });
  return out;
}

async function forward(tx: Tx, messageId: string, status: "delivered" | "read", touched: Set<string>) {
  const from = (Object.keys(ORDER) as (keyof typeof ORDER)[]).filter((s) => ORDER[s] > 0 && ORDER[s] < ORDER[status]);
  const [done] = await tx
    .update(messages)
    .set({ deliveryStatus: status })
    .where(and(eq(messages.id, messageId), eq(messages.direction, "outbound"), inArray(messages.deliveryStatus, from)))
    .returning({ id: messages.id });
  if (done) touched.add(messageId);
}

/** Effects whose message never came (a deleted message, an id we never see) are dropped after a week. */
export async function expirePendingEffects(tx: Pick<Tx, "delete">, olderThanDays = 7): Promise<void> {
  await tx.delete(pendingEffects).where(sql`${pendingEffects.createdAt} < now() - make_interval(days => ${olderThanDays})`);
}
