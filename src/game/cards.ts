/**
 * Cards: the deck order, parsing and display text, and the two orders the engine uses.
 *
 * - Display order (`compareForDisplay`): suit C < D < H < S, then rank 2 < … < A. Hands are shown
 *   sorted this way, and `DECK` (the unshuffled deck the shuffle starts from) is in this order.
 * - Rank order (`compareByRank`): rank first, ties broken by suit C < D < H < S. It defines the
 *   "lowest" card a timed-out seat plays (`lowestCard`).
 */
import { RANKS, SUITS, type Card, type Rank, type Suit } from "./types.js";

const RANK_CHARS = "23456789TJQKA";
const SUIT_CHARS = "CDHS";

/** Lookup tables from a character code to its rank (0..12) or suit (0..3) index; -1 elsewhere. */
const RANK_BY_CODE = new Int8Array(128).fill(-1);
const SUIT_BY_CODE = new Int8Array(128).fill(-1);
for (let i = 0; i < RANK_CHARS.length; i++) RANK_BY_CODE[RANK_CHARS.charCodeAt(i)] = i;
for (let i = 0; i < SUIT_CHARS.length; i++) SUIT_BY_CODE[SUIT_CHARS.charCodeAt(i)] = i;

/** The 52 cards in deck order: clubs, diamonds, hearts, spades; 2 up to ace within each suit. */
export const DECK: readonly Card[] = Object.freeze(
  SUITS.flatMap((suit) => RANKS.map((rank): Card => `${rank}${suit}`)),
);

/** True when `value` is one of the 52 cards, written exactly as `TD`, `AS`, ... */
export function isCard(value: unknown): value is Card {
  if (typeof value !== "string" || value.length !== 2) return false;
  const rank = value.charCodeAt(0);
  const suit = value.charCodeAt(1);
  return rank < 128 && suit < 128 && (RANK_BY_CODE[rank] as number) >= 0 && (SUIT_BY_CODE[suit] as number) >= 0;
}

/** The card of `rank` and `suit`. */
export function makeCard(rank: Rank, suit: Suit): Card {
  return `${rank}${suit}`;
}

/**
 * Reads a card from text, forgivingly: case and surrounding spaces are ignored and `10` is
 * accepted for `T` (`"td"`, `" 10d "`, `"TD"` all give `TD`). Returns null for anything else.
 */
export function parseCard(text: string): Card | null {
  let t = text.trim().toUpperCase();
  if (t.length === 3 && t.startsWith("10")) t = `T${t.charAt(2)}`;
  return isCard(t) ? t : null;
}

const SUIT_SYMBOLS: Readonly<Record<Suit, string>> = { C: "♣", D: "♦", H: "♥", S: "♠" };

/** Human display text: `TD` -> `10♦`, `AS` -> `A♠`. Not parsed back; the wire uses `Card`. */
export function formatCard(card: Card): string {
  const rank = rankOf(card);
  return `${rank === "T" ? "10" : rank}${SUIT_SYMBOLS[suitOf(card)]}`;
}

/** The rank of a card. */
export function rankOf(card: Card): Rank {
  return card.charAt(0) as Rank;
}

/** The suit of a card. */
export function suitOf(card: Card): Suit {
  return card.charAt(1) as Suit;
}

/** True when `card` is of `suit` (compares character codes: cheaper than `suitOf(card) === suit` in hot loops). */
export function isOfSuit(card: Card, suit: Suit): boolean {
  return card.charCodeAt(1) === suit.charCodeAt(0);
}

/** True when two cards are of the same suit. */
export function sameSuit(a: Card, b: Card): boolean {
  return a.charCodeAt(1) === b.charCodeAt(1);
}

/** 0 for `2` up to 12 for an ace. */
export function rankIndex(card: Card): number {
  return RANK_BY_CODE[card.charCodeAt(0)] ?? -1;
}

/** 0 for clubs, 1 diamonds, 2 hearts, 3 spades. */
export function suitIndex(card: Card): number {
  return SUIT_BY_CODE[card.charCodeAt(1)] ?? -1;
}

/** Display order: suit C < D < H < S, then rank. Negative when `a` comes first. */
export function compareForDisplay(a: Card, b: Card): number {
  return suitIndex(a) * 13 + rankIndex(a) - (suitIndex(b) * 13 + rankIndex(b));
}

/** Rank order: rank 2 < … < A, ties broken by suit C < D < H < S. Negative when `a` is lower. */
export function compareByRank(a: Card, b: Card): number {
  return rankIndex(a) * 4 + suitIndex(a) - (rankIndex(b) * 4 + suitIndex(b));
}

/** A new array of `cards` in display order (suit, then rank). */
export function sortForDisplay(cards: readonly Card[]): Card[] {
  // Insertion sort: hands hold at most 10 cards, where it beats `Array.prototype.sort`.
  const out: Card[] = [];
  for (const card of cards) {
    const key = cardIndex(card);
    let at = out.length;
    out.push(card);
    while (at > 0 && cardIndex(out[at - 1] as Card) > key) {
      out[at] = out[at - 1] as Card;
      at--;
    }
    out[at] = card;
  }
  return out;
}

/** A card's position in display order and in `DECK`: 0 = `2C` .. 51 = `AS`. */
export function cardIndex(card: Card): number {
  return suitIndex(card) * 13 + rankIndex(card);
}

/**
 * The lowest card by rank order (lowest rank; among equal ranks C < D < H < S), or null when
 * `cards` is empty. This is the card a timed-out seat plays from its legal cards.
 */
export function lowestCard(cards: readonly Card[]): Card | null {
  let best: Card | null = null;
  for (const card of cards) {
    if (best === null || compareByRank(card, best) < 0) best = card;
  }
  return best;
}
