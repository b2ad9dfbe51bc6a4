/** Pusher channel names and event names (entity.verb_past). One private channel per company. */
export const companyChannel = (companyId: string) => `private-company-${companyId}`;

export const companyIdFromChannel = (channel: string): string | undefined =>
  /^private-company-([0-9a-f-]{36})$/.exec(channel)?.[1];

export type RealtimeEvent =
  | { name: "message.created"; data: { conversationId: string; messageId: string } }
  | { name: "message.updated"; data: { conversationId: string; messageId: string } }
  | { name: "conversation.updated"; data: { conversationId: string } }
  /** A private note @mentioned these people (the note itself arrives as message.created). */
  | { name: "mention.created"; data: { conversationId: string; messageId: string; userIds: string[] } }
  /** Taken, assigned to a person or routed through a team. */
  | { name: "conversation.assigned"; data: { conversationId: string; assigneeId: string } }
  /** Closed or reopened (a new session in New arrives as message.created with its conversation's id). */
  | { name: "conversation.status_changed"; data: { conversationId: string; status: "new" | "in_progress" | "closed" } }
  /**
   * Banned or unbanned: every conversation of the contact shows it. Merged, split or noted: `personIds` names the
   * persons (contacts.person_id) whose contact panels changed.
   */
  | { name: "contact.updated"; data: { contactId: string; conversationIds: string[]; personIds?: string[] } }
  | { name: "channel.status_changed"; data: { channelId: string; status: string } }
  /** A history recovery after a reconnect was queued, moved on or ended (its Details page shows the progress). */
  | { name: "channel.recovery_progress"; data: { channelId: string } };
