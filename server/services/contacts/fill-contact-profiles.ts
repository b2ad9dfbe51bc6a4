import { and, eq, inArray, isNull } from "drizzle-orm";
import { db } from "../../../db";
import { channels, contacts, conversations, messages } from "../../../db/schema";
import { adapterFor } from "../../channels/registry";
import { logger } from "../../log";
import type { RealtimeEvent } from "../../realtime/channels";

/**
 * Names the contacts behind new messages when the provider sends only ids (Meta, VK): one profile lookup
 * per contact, after the message is committed, so a slow or failing lookup never delays or loses a message.
 */
export async function fillContactProfiles(messageIds: string[]): Promise<RealtimeEvent[]> {
  if (messageIds.length === 0) return [];
  const rows = await db
    .selectDistinct({ contact: contacts, channel: channels, conversationId: conversations.id })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .innerJoin(channels, eq(channels.id, messages.channelId))
    .where(and(inArray(messages.id, messageIds), eq(messages.direction, "inbound"), isNull(contacts.profileFetchedAt)));
  const out: RealtimeEvent[] = [];
  for (const { contact, channel, conversationId } of rows) {
    const resolved = adapterFor(channel);
    if (!resolved?.adapter.lookupContact) continue;
    let profile: { displayName: string; username?: string } | undefined;
    try {
      profile = await resolved.adapter.lookupContact(resolved.credentials, { externalId: contact.externalId, chatKind: contact.chatKind });
    } catch (error) {
      logger.warn("contact.lookup_failed", { contactId: contact.id, channelId: channel.id, error });
    }
    // Looked up once, found or not: a provider that will not say is not asked on every message.
    await db
      .update(contacts)
      .set({ profileFetchedAt: new Date(), ...(profile ? { displayName: profile.displayName, username: profile.username ?? contact.username, updatedAt: new Date() } : {}) })
      .where(eq(contacts.id, contact.id));
    if (profile) out.push({ name: "conversation.updated", data: { conversationId } });
  }
  return out;
}
