/**
 * Where a stored event sits in provider order: its stream (channel + chat) and its provider sequence. Read
 * from the raw payload at acknowledgement time with no validation beyond types (the full per-kind schemas run
 * in processing); anything unrecognised falls into the channel's account stream ("<channel id>:*").
 */
export type EventOrder = { orderKey: string; sequence: number | null };

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
/** Chat ids as text: integers (Telegram up to 52 bits, VK peers) or short id strings (Graph PSIDs). */
function chatId(v: unknown): string | undefined {
  if (typeof v === "number" && Number.isSafeInteger(v)) return String(v);
  if (typeof v === "string" && /^-?[0-9A-Za-z_.:-]{1,128}$/.test(v)) return v;
  return undefined;
}
const seq = (v: unknown): number | null => (typeof v === "number" && Number.isSafeInteger(v) ? v : null);

export const accountStream = (channelId: string) => `${channelId}:*`;
const stream = (channelId: string, chat: string | undefined) => (chat === undefined ? accountStream(channelId) : `${channelId}:${chat}`);

/**
 * Telegram: the chat of the update's object (message, edited_message, channel_post, my_chat_member, a button
 * press's message, …), else its user; the sequence is update_id, increasing per bot.
 */
export function telegramOrder(channelId: string, update: unknown): EventOrder {
  if (!isObject(update)) return { orderKey: accountStream(channelId), sequence: null };
  const kind = Object.keys(update).find((k) => k !== "update_id" && update[k] != null);
  const value = kind ? update[kind] : undefined;
  let chat: string | undefined;
  if (isObject(value)) {
    const nested = isObject(value.message) ? value.message : undefined;
    chat =
      (isObject(value.chat) ? chatId(value.chat.id) : undefined) ??
      (nested && isObject(nested.chat) ? chatId(nested.chat.id) : undefined) ??
      (isObject(value.from) ? chatId(value.from.id) : undefined) ??
      (isObject(value.user) ? chatId(value.user.id) : undefined);
  }
  return { orderKey: stream(channelId, chat), sequence: seq(update.update_id) };
}

/** A Meta timestamp as a sequence: positive epoch ms a bigint holds exactly, else none (ordered by arrival). */
export const metaSequence = (timestampMs: number): number | null => (Number.isSafeInteger(timestampMs) && timestampMs > 0 ? timestampMs : null);

/**
 * Meta: the customer's id (the one of sender / recipient that is not the Page or Instagram account); the
 * sequence is the item's timestamp in ms (Meta: "always use the webhook timestamp"), arrival breaks ties.
 */
export function metaOrder(channelId: string, accountId: string, item: unknown, timestampMs: number): EventOrder {
  let chat: string | undefined;
  if (isObject(item)) {
    const sender = isObject(item.sender) ? chatId(item.sender.id) : undefined;
    const recipient = isObject(item.recipient) ? chatId(item.recipient.id) : undefined;
    chat = sender !== undefined && sender !== accountId ? sender : recipient !== accountId ? recipient : undefined;
  }
  return { orderKey: stream(channelId, chat), sequence: metaSequence(timestampMs) };
}

/**
 * VK: the peer of the message (message_new carries it in object.message, message_reply / message_edit in the
 * object itself), else the user (message_allow, group_leave, …); the sequence is conversation_message_id when
 * present (it counts per peer), else none (ordered by arrival).
 */
export function vkOrder(channelId: string, notification: unknown): EventOrder {
  const object = isObject(notification) && isObject(notification.object) ? notification.object : undefined;
  if (!object) return { orderKey: accountStream(channelId), sequence: null };
  const message = isObject(object.message) ? object.message : object;
  const chat = chatId(message.peer_id) ?? chatId(object.user_id) ?? chatId(object.from_id);
  const cmid = seq(message.conversation_message_id);
  return { orderKey: stream(channelId, chat), sequence: cmid !== null && cmid > 0 ? cmid : null };
}
