import { describe, expect, it } from "vitest";
import { searchStem, toSearchQuery } from "./inbox-search";

describe("inbox search queries", () => {
  it("folds ё into е and lower-cases", () => {
    expect(toSearchQuery("ВСЁ")).toBe("'все':*");
    expect(toSearchQuery("Ёлка")).toBe("'елк':*");
  });

  it("Russian and Ukrainian words lose one ending, leaving at least three letters", () => {
    expect(searchStem("заказа")).toBe("заказ");
    expect(searchStem("заказов")).toBe("заказ");
    expect(searchStem("замовленням")).toBe("замовленн");
    expect(searchStem("доставку")).toBe("доставк");
    expect(searchStem("все")).toBe("все");
    expect(searchStem("дом")).toBe("дом");
    // Latin words and digits are searched as typed.
    expect(searchStem("orders")).toBe("orders");
    expect(searchStem("77")).toBe("77");
  });

  it("a handle stays one lexeme, with its @", () => {
    expect(toSearchQuery("@petro_b")).toBe("'@petro_b':*");
    expect(toSearchQuery("petro_b")).toBe("'@petro_b':*");
    expect(toSearchQuery("@Petro.B заказа")).toBe("'@petro.b':* & 'заказ':*");
  });

  it("keeps nothing that could break out of the quoting, and at most eight words", () => {
    expect(toSearchQuery("'); drop table messages; --")).toBe("'drop':* & 'table':* & 'messages':*");
    expect(toSearchQuery("a\\b 'c'")).toBe("'a':* & 'b':* & 'c':*");
    expect(toSearchQuery("   ")).toBeNull();
    expect(toSearchQuery("@")).toBeNull();
    expect(toSearchQuery("a b c d e f g h i j")?.split(" & ")).toHaveLength(8);
  });
});
