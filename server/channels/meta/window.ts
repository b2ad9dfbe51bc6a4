const HOUR_MS = 60 * 60 * 1000;
export const STANDARD_WINDOW_MS = 24 * HOUR_MS;
export const HUMAN_AGENT_WINDOW_MS = 7 * 24 * HOUR_MS;

export type MessagingDecision = { send: true; messagingType: "RESPONSE" } | { send: true; messagingType: "MESSAGE_TAG"; tag: "HUMAN_AGENT" } | { send: false; reason: "outside_window" };

/**
 * Meta's windows are counted from the customer's last message (protocols/meta.md §2.2): RESPONSE within
 * 24 hours; HUMAN_AGENT up to 7 days, only when the app has that feature; otherwise we do not call the
 * API at all, since Meta would refuse (10/2018278) and repeated policy refusals count against the Page.
 */
export function decideMessagingType(lastInboundAt: Date | null, now: Date, humanAgentEnabled: boolean): MessagingDecision {
  if (!lastInboundAt) return { send: false, reason: "outside_window" };
  const elapsed = now.getTime() - lastInboundAt.getTime();
  if (elapsed <= STANDARD_WINDOW_MS) return { send: true, messagingType: "RESPONSE" };
  if (humanAgentEnabled && elapsed <= HUMAN_AGENT_WINDOW_MS) return { send: true, messagingType: "MESSAGE_TAG", tag: "HUMAN_AGENT" };
  return { send: false, reason: "outside_window" };
}
