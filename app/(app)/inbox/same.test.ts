import { describe, expect, it } from "vitest";
import { sameShallow } from "./same";

describe("the same message to render", () => {
  const attachments = [{ kind: "image", fileId: "f1" }];
  const message = {
    id: "m1",
    text: "hello",
    createdAt: new Date("2026-12-07T10:00:00Z"),
    providerTimestamp: null,
    attachments,
  };

  it("is one whose values are equal, its dates by their time", () => {
    expect(
      sameShallow(message, {
        ...message,
        createdAt: new Date("2026-12-07T10:00:00Z"),
      }),
    ).toBe(true);
  });

  it("differs in any value, a date's time, or a nested object's identity", () => {
    expect(sameShallow(message, { ...message, text: "hello!" })).toBe(false);
    expect(
      sameShallow(message, {
        ...message,
        createdAt: new Date("2026-12-07T10:00:01Z"),
      }),
    ).toBe(false);
    expect(
      sameShallow(message, {
        ...message,
        providerTimestamp: new Date("2026-12-07T10:00:00Z"),
      }),
    ).toBe(false);
    expect(
      sameShallow(message, {
        ...message,
        attachments: [{ kind: "image", fileId: "f2" }],
      }),
    ).toBe(false);
  });

  it("differs when a key is missing or added", () => {
    const withoutText = Object.fromEntries(Object.entries(message).filter(([k]) => k !== "text"));
    expect(sameShallow(message, { ...withoutText, extra: "hello" })).toBe(false);
    expect(sameShallow(withoutText, message)).toBe(false);
  });
});
