import { and, eq } from "drizzle-orm";
import type { Tx } from "../../../db";
import { conversations, messages } from "../../../db/schema";
import type { RealtimeEvent } from "../../realtime/channels";
import { changed } from "./conversation-actions";
import { latestHandoverNote, ownerOf } from "./handover";
import { routeToLineTeam } from "./route-conversation";
import { insertSystemNote } from "./system-note";

type Conversation = typeof conversations.$inferSelect;

/** What the provider said about the thread: another app owns it (with its id when Meta names it), or we do. */
export type ThreadControl = { owner: "us" | "other_app" | "idle"; appId?: string };

/**
 * F10, in the ingest transaction: who owns a Meta thread.
 * - Another app took it (a standby event, its echo, take_thread_control): the thread waits in New, unassigned,
 *   with a note naming the owner. Later events only name the owner once Meta does, or record that it changed.
 *   An operator may still assign it while the bot owns it (it then stays assigned until the bot hands it over).
 * - It came back to us (the customer turned the bot off, the bot passed control): humans handle it, "bot
 *   handling is off", and it is routed to a member of the line's default team when nobody has it yet.
 */
export async function applyThreadControl(tx: Tx, conversation: Conversation, control: ThreadControl): Promise<RealtimeEvent[]> {
  if (control.owner === "other_app") {
    const owner = ownerOf(control.appId);
    const params = { owner, app: control.appId ?? "" };
    if (conversation.handler !== "bot") {
      await tx.update(conversations).set({ handler: "bot", status: "new", assigneeId: null }).where(eq(conversations.id, conversation.id));
      const noteId = await insertSystemNote(tx, conversation, { code: "bot_handling", params });
      return changed(conversation.id, noteId);
    }
    if (!control.appId) return [];
    const latest = await latestHandoverNote(tx, conversation.companyId, [conversation.id]);
    // The owner we already know (it took the thread, or an operator passed it to that app).
    if (latest && latest.note.code !== "bot_off" && latest.note.params.app === control.appId) return [];
    if (latest?.note.code === "bot_handling" && !latest.note.params.app) {
      // The standby message came before anything named its owner (an echo, take_thread_control): name it now.
      await tx
        .update(messages)
        .set({ note: { code: "bot_handling", params } })
        .where(and(eq(messages.id, latest.id), eq(messages.companyId, conversation.companyId)));
      return [
        { name: "conversation.updated", data: { conversationId: conversation.id } },
        { name: "message.updated", data: { conversationId: conversation.id, messageId: latest.id } },
      ];
    }
    // Another app took the thread from the one that had it (e.g. a person in Business Suite from the bot).
    const noteId = await insertSystemNote(tx, conversation, { code: "bot_handling", params });
    return changed(conversation.id, noteId);
  }

  if (conversation.handler !== "humans") {
    await tx.update(conversations).set({ handler: "humans" }).where(eq(conversations.id, conversation.id));
    const offNote = await insertSystemNote(tx, conversation, { code: "bot_off", params: {} });
    const out = changed(conversation.id, offNote);
    const routed = await routeToLineTeam(tx, { ...conversation, handler: "humans" });
    if (routed) {
      out.push(
        { name: "message.created", data: { conversationId: conversation.id, messageId: routed.noteId } },
        { name: "conversation.assigned", data: { conversationId: conversation.id, assigneeId: routed.assigneeId } },
        { name: "conversation.status_changed", data: { conversationId: conversation.id, status: "in_progress" } },
      );
    }
    return out;
  }
  return [];
}
