/** Pusher channel names and event names (entity.verb_past). One private channel per company. */
export const companyChannel = (companyId: string) => `private-company-${companyId}`;

export const companyIdFromChannel = (channel: string): string | undefined =>
  /^private-company-([0-9a-f-]{36})$/.exec(channel)?.[1];

export type RealtimeEvent =
  | { name: "message.created"; data: { conversationId: string; messageId: string } }
  | { name: "message.updated"; data: { conversationId: string; messageId: string } }
  | { name: "conversation.updated"; data: { conversationId: string } }
  | { name: "channel.status_changed"; data: { channelId: string; status: string } };
