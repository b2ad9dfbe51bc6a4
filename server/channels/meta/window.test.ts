import { describe, expect, it } from "vitest";
import { decideMessagingType } from "./window";

const now = new Date("2026-01-10T12:00:00Z");
const ago = (hours: number) => new Date(now.getTime() - hours * 3600_000);

describe("Meta messaging window", () => {
  it("answers with RESPONSE within 24 hours of the customer's last message", () => {
    expect(decideMessagingType(ago(1), now, false)).toEqual({ send: true, messagingType: "RESPONSE" });
    expect(decideMessagingType(ago(24), now, false)).toEqual({ send: true, messagingType: "RESPONSE" });
    expect(decideMessagingType(ago(23), now, true)).toEqual({ send: true, messagingType: "RESPONSE" });
  });

  it("uses the HUMAN_AGENT tag up to 7 days only when the channel has it enabled", () => {
    expect(decideMessagingType(ago(25), now, true)).toEqual({ send: true, messagingType: "MESSAGE_TAG", tag: "HUMAN_AGENT" });
    expect(decideMessagingType(ago(7 * 24), now, true)).toEqual({ send: true, messagingType: "MESSAGE_TAG", tag: "HUMAN_AGENT" });
    expect(decideMessagingType(ago(25), now, false)).toEqual({ send: false, reason: "outside_window" });
  });

  it("refuses after 7 days, and when the customer never wrote", () => {
    expect(decideMessagingType(ago(7 * 24 + 1), now, true)).toEqual({ send: false, reason: "outside_window" });
    expect(decideMessagingType(null, now, true)).toEqual({ send: false, reason: "outside_window" });
  });
});
