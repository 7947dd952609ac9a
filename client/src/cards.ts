/**
 * Card display for the page: accessible names and colours. Parsing, display text and the hand
 * order come from the rules engine (`src/game/cards.ts`), so the page and the server agree.
 */
import { formatCard, isCard, rankOf, sortForDisplay, suitOf } from "../../src/game/cards.js";
import type { Card, Rank, Suit } from "../../src/game/types.js";

/** `formatCard` ("10♦"); `sortForDisplay`: a hand in display order (suit, then rank). */
export { formatCard as cardLabel, isCard, sortForDisplay as sortHand, suitOf };

const RANK_NAMES: Readonly<Record<Rank, string>> = {
  "2": "Two", "3": "Three", "4": "Four", "5": "Five", "6": "Six", "7": "Seven", "8": "Eight",
  "9": "Nine", T: "Ten", J: "Jack", Q: "Queen", K: "King", A: "Ace",
};
const SUIT_NAMES: Readonly<Record<Suit, string>> = { C: "Clubs", D: "Diamonds", H: "Hearts", S: "Spades" };

/** "Ten of Diamonds": the accessible name of a card. */
export function cardName(card: Card): string {
  return `${RANK_NAMES[rankOf(card)]} of ${SUIT_NAMES[suitOf(card)]}`;
}

export function suitName(suit: Suit): string {
  return SUIT_NAMES[suit];
}

/** Red suits are drawn red. */
export function isRed(card: Card): boolean {
  const s = suitOf(card);
  return s === "D" || s === "H";
}
