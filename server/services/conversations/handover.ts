import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db";
import { messages, type SystemNote } from "../../../db/schema";
import { INSTAGRAM_INBOX_APP_ID, PAGE_INBOX_APP_ID } from "../../channels/meta/parse";

/**
 * Who owns a Meta thread when it is not us (F10): the provider's own inbox (a person answering in Meta Business
 * Suite or the Instagram app), another app we know by id (the Page's bot), or an app Meta did not name.
 * The echo reference prints the Page Inbox id with a digit missing (protocols/meta.md §3.5): both are the inbox.
 */
export type ThreadOwner = "provider_inbox" | "app" | "unknown";

export function ownerOf(appId: string | undefined | null): ThreadOwner {
  if (!appId) return "unknown";
  if (appId === PAGE_INBOX_APP_ID || appId === "26390203743090" || appId === INSTAGRAM_INBOX_APP_ID) return "provider_inbox";
  return "app";
}

export const HANDOVER_NOTES = ["bot_handling", "bot_off", "passed_to_bot"] as const satisfies readonly SystemNote["code"][];

const isHandoverNote = sql`${messages.note}->>'code' in ('bot_handling', 'bot_off', 'passed_to_bot')`;

/** The latest handover note among the contact's sessions (conversation ids), newest first. */
export async function latestHandoverNote(db: DbOrTx, companyId: string, conversationIds: string[]) {
  if (conversationIds.length === 0) return undefined;
  const [row] = await db
    .select({ id: messages.id, note: messages.note, createdAt: messages.createdAt })
    .from(messages)
    .where(and(inArray(messages.conversationId, conversationIds), eq(messages.companyId, companyId), eq(messages.authorKind, "system"), isHandoverNote))
    .orderBy(desc(messages.createdAt), desc(messages.id))
    .limit(1);
  return row?.note ? { id: row.id, note: row.note } : undefined;
}

/**
 * The app to hand the thread back to: the last app other than the provider's own inbox that we saw owning the
 * contact's thread (a standby echo, take_thread_control), or that an operator passed it to.
 */
export async function lastBotAppId(db: DbOrTx, companyId: string, conversationIds: string[]): Promise<string | null> {
  if (conversationIds.length === 0) return null;
  const [row] = await db
    .select({ app: sql<string>`${messages.note}->'params'->>'app'` })
    .from(messages)
    .where(
      and(
        inArray(messages.conversationId, conversationIds),
        eq(messages.companyId, companyId),
        eq(messages.authorKind, "system"),
        sql`${messages.note}->>'code' in ('bot_handling', 'passed_to_bot')`,
        sql`${messages.note}->'params'->>'owner' = 'app'`,
      ),
    )
    .orderBy(desc(messages.createdAt), desc(messages.id))
    .limit(1);
  return row?.app ?? null;
}

export type HandoverState = {
  /** Who owns the thread while the bot handles it (null when humans do), with the app's name when we learned it. */
  owner: { kind: ThreadOwner; appId: string | null; appName: string | null } | null;
  /** The bot handed the thread to us (or the customer turned it off) and nobody passed it back: F10's "Bot handling is off". */
  botOff: boolean;
  /** The app "Pass to bot" hands the thread to; null when no bot was seen on this contact's threads yet. */
  botAppId: string | null;
};

/**
 * The handover state of a conversation from the contact's handover notes across all their sessions: closing a
 * conversation does not pass it back, so a bot turned off stays off for the customer's next conversation.
 */
export async function handoverState(
  db: DbOrTx,
  companyId: string,
  conversation: { handler: "humans" | "bot" },
  conversationIds: string[],
  /** The Page's other apps by name (the channel's settings.pageApps, learned from subscribed_apps). */
  pageApps: readonly { id: string; name: string }[] = [],
): Promise<HandoverState> {
  const [latest, botAppId] = await Promise.all([latestHandoverNote(db, companyId, conversationIds), lastBotAppId(db, companyId, conversationIds)]);
  const params = latest?.note.params;
  if (conversation.handler === "bot") {
    const appId = latest && latest.note.code !== "bot_off" && params?.app ? params.app : null;
    const appName = (appId && pageApps.find((a) => a.id === appId)?.name) || null;
    return { owner: { kind: ownerOf(appId), appId, appName }, botOff: false, botAppId };
  }
  return { owner: null, botOff: latest?.note.code === "bot_off", botAppId };
}
