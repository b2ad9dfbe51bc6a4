import { callVkApi } from "./api";

/**
 * What a community missed while its Callback server was off (protocols/telegram-vk.md §2.9): the conversations
 * touched since `since` (messages.getConversations, newest first), then each one's history (messages.getHistory,
 * newest first) back to `since`. Only the customers' messages (out = 0) written in [since, until] are kept.
 */

/** messages_message as VK returns it; passed on untouched so the live parser reads it. */
export type VkRawMessage = Record<string, unknown> & {
  date: number;
  peer_id: number;
  out?: number;
  conversation_message_id?: number;
  id?: number;
};

export type MissedVkMessages = {
  messages: VkRawMessage[];
  peers: number;
  truncated: boolean;
};

const PAGE = 200;
/** Bounds on one recovery, so a reconnect finishes: 5,000 conversations, 1,000 messages per conversation. */
const MAX_CONVERSATION_PAGES = 25;
const MAX_HISTORY_PAGES = 5;
const TIMEOUT_MS = 15_000;

const isInt = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v);
const isMessage = (v: unknown): v is VkRawMessage => typeof v === "object" && v !== null && isInt((v as VkRawMessage).date) && isInt((v as VkRawMessage).peer_id);

export async function missedVkMessages(token: string, groupId: string, window: { since: number; until: number }, pace: () => Promise<void>): Promise<MissedVkMessages> {
  const peers: number[] = [];
  let truncated = false;
  conversations: for (let page = 0; ; page++) {
    if (page >= MAX_CONVERSATION_PAGES) {
      truncated = true;
      break;
    }
    await pace();
    const answer = await callVkApi<{ count?: unknown; items?: unknown }>(
      token,
      "messages.getConversations",
      {
        group_id: groupId,
        filter: "all",
        count: PAGE,
        offset: page * PAGE,
        extended: 1,
      },
      TIMEOUT_MS,
    );
    const items = Array.isArray(answer?.items)
      ? (answer.items as {
          conversation?: { peer?: { id?: unknown } };
          last_message?: unknown;
        }[])
      : [];
    for (const item of items) {
      const last = item?.last_message;
      // Newest first: the first conversation last touched before the window ends the listing.
      if (!isMessage(last) || last.date < window.since) break conversations;
      const peer = item.conversation?.peer?.id;
      peers.push(isInt(peer) ? peer : last.peer_id);
    }
    if (items.length < PAGE) break;
  }

  const messages: VkRawMessage[] = [];
  for (const peer of peers) {
    history: for (let page = 0; ; page++) {
      if (page >= MAX_HISTORY_PAGES) {
        truncated = true;
        break;
      }
      await pace();
      const answer = await callVkApi<{ items?: unknown }>(token, "messages.getHistory", { group_id: groupId, peer_id: peer, count: PAGE, offset: page * PAGE }, TIMEOUT_MS);
      const items = Array.isArray(answer?.items) ? (answer.items as unknown[]) : [];
      for (const m of items) {
        if (!isMessage(m)) continue;
        if (m.date < window.since) break history;
        if (m.date <= window.until && m.out !== 1) messages.push(m);
      }
      if (items.length < PAGE) break;
    }
  }
  // Oldest first, in each conversation in VK's own order.
  messages.sort((a, b) => a.date - b.date || a.peer_id - b.peer_id || (a.conversation_message_id ?? a.id ?? 0) - (b.conversation_message_id ?? b.id ?? 0));
  return { messages, peers: peers.length, truncated };
}
