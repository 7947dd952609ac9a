/** Legal moves: the bids and cards a seat may play now. Used by decide, views, timeouts and bots. */
import { sameSuit } from "./cards.js";
import type { Card, GameState, SeatIndex, TrickPlay } from "./types.js";

/**
 * The bid the hook forbids `seat` now, or null. Only the dealer (who bids last) is hooked: it may
 * not bid `round - (sum of the other bids)` when that is in `0..round`, so the bids never add
 * up to exactly the round number.
 */
export function hookedBid(state: GameState, seat: SeatIndex): number | null {
  if (seat !== state.dealer) return null;
  let others = 0;
  for (let s = 0; s < state.bids.length; s++) {
    if (s !== seat) others += state.bids[s] ?? 0;
  }
  const forbidden = state.round - others;
  return forbidden >= 0 && forbidden <= state.round ? forbidden : null;
}

/** The bids `seat` may place now, ascending; empty unless it is `seat`'s turn to bid. */
export function legalBids(state: GameState, seat: SeatIndex): number[] {
  if (state.phase !== "bidding" || state.turn !== seat) return [];
  const forbidden = hookedBid(state, seat);
  const bids: number[] = [];
  for (let bid = 0; bid <= state.round; bid++) if (bid !== forbidden) bids.push(bid);
  return bids;
}

/**
 * The cards of `hand` that may go on `currentTrick`: the led suit's cards when the hand has any
 * (follow suit), else the whole hand. Keeps the hand's order.
 */
export function playableCards(hand: readonly Card[], currentTrick: readonly TrickPlay[]): readonly Card[] {
  const lead = currentTrick[0];
  if (lead === undefined) return hand;
  const following: Card[] = [];
  for (const card of hand) if (sameSuit(card, lead.card)) following.push(card);
  return following.length > 0 ? following : hand;
}

/**
 * True when `card` (already known to be in `hand`) may go on `currentTrick`: it follows the led
 * suit, or the hand has no card of that suit. Same rule as `playableCards`, without allocating.
 */
export function followsSuit(hand: readonly Card[], currentTrick: readonly TrickPlay[], card: Card): boolean {
  const lead = currentTrick[0];
  if (lead === undefined) return true;
  if (sameSuit(card, lead.card)) return true;
  for (const held of hand) if (sameSuit(held, lead.card)) return false;
  return true;
}

/**
 * The cards `seat` may play now, in display order (the state keeps hands sorted); empty unless
 * it is `seat`'s turn to play.
 */
export function legalCards(state: GameState, seat: SeatIndex): readonly Card[] {
  if (state.phase !== "playing" || state.turn !== seat) return [];
  return playableCards(state.hands[seat] ?? [], state.currentTrick);
}
