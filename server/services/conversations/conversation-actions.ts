import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db";
import { conversations, messages, users, type SystemNote } from "../../../db/schema";
import { notFound } from "../../errors";
import type { RealtimeEvent } from "../../realtime/channels";

/**
 * What an inbox action did. Two people acting at once never corrupt a conversation: every change is a
 * conditional update, and the one who lost is told what happened instead (in words on their screen).
 */
export type ActionOutcome =
  | { ok: true; changed: boolean }
  | {
      ok: false;
      reason: "taken_by" | "assigned_to" | "already_closed" | "already_open" | "newer_open" | "closed" | "team_empty" | "banned";
      by: string | null;
      /** When the winner did it, when known (a close or a reopen note). */
      at?: Date | null;
      /** newer_open: the customer's open conversation, to continue there. */
      conversationId?: string;
    };

export type ActionResult = { outcome: ActionOutcome; realtime: RealtimeEvent[] };

export async function userName(db: DbOrTx, companyId: string, userId: string | null): Promise<string | null> {
  if (!userId) return null;
  const [u] = await db.select({ name: users.name }).from(users).where(and(eq(users.id, userId), eq(users.companyId, companyId)));
  return u?.name ?? null;
}

/** The conversation as it is now (company-filtered), to explain a refused change. */
export async function currentConversation(db: DbOrTx, companyId: string, conversationId: string) {
  const [row] = await db.select().from(conversations).where(and(eq(conversations.id, conversationId), eq(conversations.companyId, companyId)));
  if (!row) throw notFound("conversation");
  return row;
}

export const changed = (conversationId: string, noteId: string | null, extra: RealtimeEvent[] = []): RealtimeEvent[] => [
  { name: "conversation.updated", data: { conversationId } },
  ...(noteId ? [{ name: "message.created" as const, data: { conversationId, messageId: noteId } }] : []),
  ...extra,
];

/** The latest note of these codes in a conversation: who did it and when (to tell the one who came second). */
export async function latestNote(db: DbOrTx, conversationId: string, codes: SystemNote["code"][]): Promise<{ by: string | null; at: Date | null }> {
  const [row] = await db
    .select({ note: messages.note, createdAt: messages.createdAt })
    .from(messages)
    .where(and(eq(messages.conversationId, conversationId), eq(messages.authorKind, "system"), inArray(sql`${messages.note}->>'code'`, codes)))
    .orderBy(desc(messages.createdAt))
    .limit(1);
  return { by: row?.note?.params.name || null, at: row?.createdAt ?? null };
}
