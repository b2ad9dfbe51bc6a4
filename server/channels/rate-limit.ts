import type { Provider } from "./types";

export type Limit = { key: string; limit: number; windowMs: number };

/**
 * Outbound pacing per chat and per channel (F7 / provider limits): Telegram about 1 message a second in a
 * chat and 20 a minute in a group, 30 a second per bot; VK 20 requests a second per community.
 * Sliding windows in the worker's memory: the send queue runs in one worker per process, and a send that
 * must wait is requeued for the moment it may go, not dropped or counted as a failed attempt.
 */
export function limitsFor(provider: Provider, channelId: string, chatId: string, chatKind: "private" | "group"): Limit[] {
  switch (provider) {
    case "telegram":
      return [
        chatKind === "group" ? { key: `chat:${channelId}:${chatId}`, limit: 20, windowMs: 60_000 } : { key: `chat:${channelId}:${chatId}`, limit: 1, windowMs: 1_000 },
        { key: `channel:${channelId}`, limit: 30, windowMs: 1_000 },
      ];
    case "vk":
      return [{ key: `channel:${channelId}`, limit: 20, windowMs: 1_000 }];
    default:
      return [];
  }
}

export class SlidingWindowLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Milliseconds until every limit allows one more (0 = now). Records nothing. */
  waitMs(limits: Limit[]): number {
    const now = this.now();
    let wait = 0;
    for (const { key, limit, windowMs } of limits) {
      const recent = (this.hits.get(key) ?? []).filter((t) => t > now - windowMs);
      this.hits.set(key, recent);
      if (recent.length >= limit) wait = Math.max(wait, recent[recent.length - limit]! + windowMs - now);
    }
    return wait;
  }

  record(limits: Limit[]): void {
    const now = this.now();
    for (const { key } of limits) {
      const list = this.hits.get(key) ?? [];
      list.push(now);
      this.hits.set(key, list);
    }
  }
}
