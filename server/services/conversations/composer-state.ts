import { decideMessagingType } from "../../channels/meta/window";

export type ComposerState =
  /** Replies go out now (Meta: with the HUMAN_AGENT tag after 24 hours when the app has it). */
  | { state: "ready"; humanAgent: boolean; vkAnswerOnly: boolean }
  /** Kept and sent when the channel is back (reconnected or started again). */
  | { state: "channel_down"; channelStatus: "disconnected" | "stopped" }
  /** Another app (the Page's bot) owns the Meta thread: the operator is warned and may reply anyway. */
  | { state: "bot_handling" }
  | { state: "window_closed" }
  | { state: "vk_answer_only" }
  | { state: "banned" }
  | { state: "blocked" };

type Facts = {
  provider: "telegram" | "messenger" | "instagram" | "vk";
  channelStatus: "active" | "disconnected" | "stopped";
  channelSettings: Record<string, unknown> | null;
  handler: "humans" | "bot";
  status: "new" | "in_progress" | "closed";
  lastInboundAt: Date | null;
  bannedAt: Date | null;
  blockedUsAt: Date | null;
};

/** Refused before anything is stored: the message key that says why. */
export const REFUSALS: Partial<Record<ComposerState["state"], string>> = {
  banned: "inbox.composer.banned",
  blocked: "inbox.composer.blocked",
  window_closed: "inbox.composer.windowClosed",
  vk_answer_only: "inbox.composer.vkAnswerOnly",
};

/** What the composer may do in this conversation, and why not: one state, the most important first. */
export function composerState(f: Facts, now = new Date()): ComposerState {
  if (f.bannedAt) return { state: "banned" };
  if (f.blockedUsAt) return { state: "blocked" };
  // VK (F8): operators only answer; a closed conversation or one the customer never wrote in is not an answer.
  if (f.provider === "vk" && (f.status === "closed" || !f.lastInboundAt)) return { state: "vk_answer_only" };
  let humanAgent = false;
  if (f.provider === "messenger" || f.provider === "instagram") {
    const decision = decideMessagingType(f.lastInboundAt, now, f.channelSettings?.humanAgentEnabled === true);
    if (!decision.send) return { state: "window_closed" };
    humanAgent = decision.messagingType === "MESSAGE_TAG";
  }
  if (f.channelStatus !== "active") return { state: "channel_down", channelStatus: f.channelStatus };
  if (f.handler === "bot") return { state: "bot_handling" };
  return { state: "ready", humanAgent, vkAnswerOnly: f.provider === "vk" };
}
