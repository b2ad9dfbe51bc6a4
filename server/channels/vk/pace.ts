import { limitsFor, SlidingWindowLimiter } from "../rate-limit";

const limiter = new SlidingWindowLimiter();

/**
 * Waits until one more call with this community's key fits VK's 20 requests a second (protocols/telegram-vk.md
 * §2.4), then counts it. For bursts of calls outside the send queue (reconnect, history recovery).
 */
export async function paceVkCall(channelId: string): Promise<void> {
  const limits = limitsFor("vk", channelId, "", "private");
  for (let wait = limiter.waitMs(limits); wait > 0; wait = limiter.waitMs(limits)) {
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
  limiter.record(limits);
}
