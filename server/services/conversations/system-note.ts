import type { Tx } from "../../../db";
import { messages, type SystemNote } from "../../../db/schema";

/**
 * Writes a system note into a conversation's thread ("assigned to Anna", "closed by Oleh"). Notes are never sent
 * to the customer: there is no send job, and the text stays empty; the reader's language renders the code.
 */
export async function insertSystemNote(tx: Tx, conversation: { id: string; companyId: string; channelId: string }, note: SystemNote, beforeSortKey?: string) {
  const [row] = await tx
    .insert(messages)
    .values({
      companyId: conversation.companyId,
      conversationId: conversation.id,
      channelId: conversation.channelId,
      direction: "outbound",
      authorKind: "system",
      text: "",
      note,
      deliveryStatus: "sent",
      // A note about a message (a reply that reopened the conversation) goes just before it in the thread.
      ...(beforeSortKey ? { sortKey: (BigInt(beforeSortKey) - 1n).toString() } : {}),
    })
    .returning({ id: messages.id });
  return row!.id;
}
