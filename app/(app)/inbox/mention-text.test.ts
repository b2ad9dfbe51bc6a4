import { describe, expect, it } from "vitest";
import { noteParts } from "./mention-text";

const people = [
  { id: "a", name: "Anna" },
  { id: "al", name: "Anna Lee" },
  { id: "o", name: "Олег Операторов" },
];

describe("noteParts", () => {
  it("cuts a note into text and the people it mentions", () => {
    expect(noteParts("@Anna Lee please check, cc @Олег Операторов.", people)).toEqual([
      { mention: "@Anna Lee", userId: "al" },
      { text: " please check, cc " },
      { mention: "@Олег Операторов", userId: "o" },
      { text: "." },
    ]);
  });

  it("takes a name only as a whole word after a space or the start", () => {
    expect(noteParts("@Annabel and mail@Anna stay text; @Anna, too", people)).toEqual([
      { text: "@Annabel and mail@Anna stay text; " },
      { mention: "@Anna", userId: "a" },
      { text: ", too" },
    ]);
  });

  it("leaves a note without mentions whole", () => {
    expect(noteParts("Refund approved", people)).toEqual([{ text: "Refund approved" }]);
    expect(noteParts("", people)).toEqual([]);
  });
});
