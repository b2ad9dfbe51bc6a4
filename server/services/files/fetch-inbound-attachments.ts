import { eq, inArray } from "drizzle-orm";
import { db } from "../../../db";
import { channels, messages, type Attachment } from "../../../db/schema";
import { adapterFor } from "../../channels/registry";
import { logger } from "../../log";
import type { RealtimeEvent } from "../../realtime/channels";
import { storeFile } from "./store-file";

const fetchable = (a: Attachment) => Boolean(a.providerRef) && !a.fileId && !a.note && (a.kind === "image" || a.kind === "file");

/**
 * Copies customers' images and files from the provider into stored_files (F7: images up to 5 MB, files up to
 * 20 MB), streamed: a file over its limit is cut off at the first byte over it, whatever size was declared. Runs
 * after the message is committed: the message is never held back by a slow download, and one that cannot be
 * fetched says so ("too large", "could not be fetched") instead of failing anything.
 */
export async function fetchInboundAttachments(messageIds: string[]): Promise<RealtimeEvent[]> {
  if (messageIds.length === 0) return [];
  const rows = await db
    .select({ message: messages, channel: channels })
    .from(messages)
    .innerJoin(channels, eq(channels.id, messages.channelId))
    .where(inArray(messages.id, messageIds));
  const out: RealtimeEvent[] = [];
  for (const { message, channel } of rows) {
    if (message.direction !== "inbound" || !message.attachments.some(fetchable)) continue;
    const resolved = adapterFor(channel);
    if (!resolved?.adapter.fetchAttachment) continue;
    const updated: Attachment[] = [];
    for (const attachment of message.attachments) {
      if (!fetchable(attachment)) {
        updated.push(attachment);
        continue;
      }
      const fetched = await resolved.adapter.fetchAttachment(resolved.credentials, attachment);
      if (!fetched.ok) {
        logger.warn("attachment.fetch_failed", { messageId: message.id, channelId: channel.id, note: fetched.note });
        updated.push({ ...attachment, note: fetched.note });
        continue;
      }
      let stored: Awaited<ReturnType<typeof storeFile>>;
      try {
        // Streamed from the provider's response into the file storage as it arrives (never whole in memory).
        stored = await storeFile(db, message.companyId, {
          name: fetched.name ?? attachment.name ?? (attachment.kind === "image" ? "photo.jpg" : "file"),
          mimeType: fetched.mimeType ?? attachment.mimeType ?? "application/octet-stream",
          stream: fetched.body,
        });
      } catch (error) {
        // Cut off over the limit, or the provider's connection failed: said on the attachment, nothing stored. A
        // failure of the file storage itself fails the job, which is retried.
        const note = fetched.body.failure;
        if (!note) throw error;
        logger.warn("attachment.fetch_failed", { messageId: message.id, channelId: channel.id, note });
        updated.push({ ...attachment, note });
        continue;
      } finally {
        fetched.body.destroy();
      }
      updated.push({ ...attachment, fileId: stored.id, sizeBytes: stored.sizeBytes });
    }
    await db.update(messages).set({ attachments: updated }).where(eq(messages.id, message.id));
    out.push({ name: "message.updated", data: { conversationId: message.conversationId, messageId: message.id } });
  }
  return out;
}
