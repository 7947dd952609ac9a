/** Who wins a trick. */
import { isOfSuit, rankIndex, suitOf } from "./cards.js";
import type { Card, Suit, TrickPlay } from "./types.js";

/**
 * True when `card` beats `best`, the card currently winning a trick led in `ledSuit`: a trump
 * beats any non-trump and a lower trump; otherwise a card of the led suit beats a lower one of
 * the led suit. Any other card never wins.
 */
export function beats(card: Card, best: Card, ledSuit: Suit, trumpSuit: Suit): boolean {
  if (isOfSuit(card, trumpSuit)) return !isOfSuit(best, trumpSuit) || rankIndex(card) > rankIndex(best);
  if (isOfSuit(best, trumpSuit)) return false;
  return isOfSuit(card, ledSuit) && (!isOfSuit(best, ledSuit) || rankIndex(card) > rankIndex(best));
}

/**
 * The winning play of a trick (plays in play order; the first is the lead): the highest trump,
 * or with no trump in it the highest card of the led suit. Throws on an empty trick.
 */
export function trickWinner(plays: readonly TrickPlay[], trumpSuit: Suit): TrickPlay {
  const first = plays[0];
  if (first === undefined) throw new RangeError("trickWinner needs at least one play");
  const ledSuit = suitOf(first.card);
  let best = first;
  for (let i = 1; i < plays.length; i++) {
    const play = plays[i] as TrickPlay;
    if (beats(play.card, best.card, ledSuit, trumpSuit)) best = play;
  }
  return best;
}
