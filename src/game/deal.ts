/** Deals: every round's hands and trump card derive from the game's deal source and the round only. */
import { DECK } from "./cards.js";
import { dealRngFor, type DealSource } from "./fairness.js";
import { shuffle } from "./shuffle.js";
import { MAX_SEATS, MIN_SEATS, ROUND_COUNT, type Card, type SeatIndex } from "./types.js";

/** One round's deal. */
export interface Deal {
  readonly dealer: SeatIndex;
  /** `hands[seat]`: the seat's cards in deal order. */
  readonly hands: readonly (readonly Card[])[];
  readonly trumpCard: Card;
}

/** The dealer of round `round` (1-based) at a table of `seats`: seat `(round - 1) mod seats`. */
export function dealerForRound(round: number, seats: number): SeatIndex {
  return (round - 1) % seats;
}

/** The seat after `seat`, clockwise ("left of"). */
export function nextSeat(seat: SeatIndex, seats: number): SeatIndex {
  return (seat + 1) % seats;
}

/**
 * Deals round `round` (1..10) for `seats` (3..5): shuffle `DECK` with the round's generator
 * under the game's fairness scheme (`dealRngFor`), then hand out the top cards (index 0 first) one at a time, starting with the seat
 * left of the dealer and going round the table, `round` times; the next card is the trump card.
 */
export function dealRound(source: DealSource, round: number, seats: number): Deal {
  if (!Number.isInteger(round) || round < 1 || round > ROUND_COUNT) {
    throw new RangeError(`round must be 1..${ROUND_COUNT}, got ${round}`);
  }
  if (!Number.isInteger(seats) || seats < MIN_SEATS || seats > MAX_SEATS) {
    throw new RangeError(`seats must be ${MIN_SEATS}..${MAX_SEATS}, got ${seats}`);
  }
  const deck = shuffle(DECK, dealRngFor(source, round));
  const dealer = dealerForRound(round, seats);
  const hands: Card[][] = [];
  for (let s = 0; s < seats; s++) hands.push([]);
  let top = 0;
  for (let pass = 0; pass < round; pass++) {
    for (let k = 1; k <= seats; k++) {
      (hands[(dealer + k) % seats] as Card[]).push(deck[top++] as Card);
    }
  }
  return { dealer, hands, trumpCard: deck[top] as Card };
}
