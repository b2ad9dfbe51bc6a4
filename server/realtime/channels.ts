/** Pusher channel names and event names (entity.verb_past). One private channel per company. */
export const companyChannel = (companyId: string) => `private-company-${companyId}`;

/**
 * Who has one conversation open (a presence channel per conversation; the name carries the company, so the auth
 * endpoint can check membership without a query). Typing travels on it as the client event `client-typing`.
 */
export const conversationPresenceChannel = (companyId: string, conversationId: string) => `presence-conversation-${companyId}-${conversationId}`;

export const companyIdFromPresenceChannel = (channel: string): string | undefined =>
  /^presence-conversation-([0-9a-f-]{36})-[0-9a-f-]{36}$/.exec(channel)?.[1];

export const companyIdFromChannel = (channel: string): string | undefined =>
  /^private-company-([0-9a-f-]{36})$/.exec(channel)?.[1];

export type RealtimeEvent =
  /** assigneeId: on a customer's message in the inbox, who its conversation is assigned to (notifications). */
  | { name: "message.created"; data: { conversationId: string; messageId: string; assigneeId?: string | null } }
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
  | { name: "channel.recovery_progress"; data: { channelId: string } }
  /** A conversation started (in New, or routed at once): notifications tell the people of its line's team. */
  | { name: "conversation.created"; data: { conversationId: string; lineId: string | null; teamId: string | null; assigneeId: string | null } }
  /** Online / Away changed. */
  | { name: "user.availability_changed"; data: { userId: string; availability: "online" | "away" } };
