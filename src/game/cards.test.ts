import { describe, expect, it } from "vitest";
import { compareByRank, DECK, formatCard, isCard, lowestCard, parseCard, rankIndex, sortForDisplay, suitIndex } from "./cards.js";

describe("cards", () => {
  it("the deck has 52 distinct cards in order: C, D, H, S; 2 up to A within a suit", () => {
    expect(DECK).toHaveLength(52);
    expect(new Set(DECK).size).toBe(52);
    expect(DECK.slice(0, 13).join(" ")).toBe("2C 3C 4C 5C 6C 7C 8C 9C TC JC QC KC AC");
    expect(DECK[13]).toBe("2D");
    expect(DECK[51]).toBe("AS");
    DECK.forEach((card, i) => {
      expect(suitIndex(card)).toBe(Math.floor(i / 13));
      expect(rankIndex(card)).toBe(i % 13);
    });
  });

  it("a card is rank + suit: isCard and parseCard accept only the 52", () => {
    expect(isCard("TD")).toBe(true);
    for (const bad of ["td", "1D", "TX", "T", "TDD", "", 5, null]) expect(isCard(bad)).toBe(false);
    expect(parseCard(" td ")).toBe("TD");
    expect(parseCard("10h")).toBe("TH");
    expect(parseCard("as")).toBe("AS");
    expect(parseCard("11H")).toBeNull();
    expect(parseCard("x")).toBeNull();
  });

  it("formatCard shows the rank and a suit symbol", () => {
    expect(formatCard("TD")).toBe("10♦");
    expect(formatCard("AS")).toBe("A♠");
    expect(formatCard("2C")).toBe("2♣");
    expect(formatCard("QH")).toBe("Q♥");
  });

  it("display order sorts by suit (C < D < H < S), then rank", () => {
    expect(sortForDisplay(["AS", "2H", "TC", "3C", "KD"])).toEqual(["3C", "TC", "KD", "2H", "AS"]);
  });

  it("lowest card: lowest rank, ties broken by suit C < D < H < S", () => {
    expect(lowestCard(["5S", "5D", "7C"])).toBe("5D");
    expect(lowestCard(["AC", "2S"])).toBe("2S");
    expect(lowestCard(["3H", "3C", "3S", "3D"])).toBe("3C");
    expect(lowestCard([])).toBeNull();
    expect(compareByRank("2S", "3C")).toBeLessThan(0);
  });
});
