/**
 * The house bot: a pure policy from what its seat sees (`GameView`) to a command. It cannot
 * cheat: the view holds only its own hand.
 *
 * - Bidding: it estimates the tricks its hand should take (high trumps, long trumps, aces and
 *   kings of side suits, ruffing chances from short side suits) and bids the legal bid nearest
 *   the estimate (`legalBids` already excludes the hook).
 * - Playing: while under its bid it tries to win (the cheapest sure winner when it plays last,
 *   else its strongest winner; with no winner it throws its weakest card); once it has its bid
 *   it ducks (the highest card that still loses, or when every card wins, the cheapest winner,
 *   or the highest card when it plays last and must win anyway).
 */
import { beats, rankIndex, suitOf, trickWinner, type Card, type Command, type GameView, type Suit } from "../game/index.js";

/** Strength within one trick: any trump over any side card, then rank. */
function strength(card: Card, trump: Suit): number {
  return (suitOf(card) === trump ? 13 : 0) + rankIndex(card);
}

function byStrength(cards: readonly Card[], trump: Suit): Card[] {
  return cards.slice().sort((a, b) => strength(a, trump) - strength(b, trump));
}

/** The expected number of tricks a hand takes, by a simple card-by-card heuristic. */
export function estimateTricks(hand: readonly Card[], trump: Suit, seats: number): number {
  const crowd = seats - 3; // every extra player makes a side-suit winner less safe
  const bySuit = new Map<Suit, number>();
  for (const card of hand) bySuit.set(suitOf(card), (bySuit.get(suitOf(card)) ?? 0) + 1);
  const trumps = bySuit.get(trump) ?? 0;
  let estimate = 0;
  for (const card of hand) {
    const rank = rankIndex(card); // 12 = ace
    if (suitOf(card) === trump) {
      estimate += rank >= 12 ? 0.95 : rank === 11 ? 0.8 : rank === 10 ? 0.65 : rank === 9 ? 0.5 : rank >= 6 ? 0.35 : 0.2;
    } else {
      const length = bySuit.get(suitOf(card)) ?? 0;
      const long = length >= 4 ? 0.15 : 0; // long side suits get ruffed before the king wins
      if (rank === 12) estimate += 0.8 - 0.07 * crowd - long;
      else if (rank === 11) estimate += 0.45 - 0.08 * crowd - long;
      else if (rank === 10) estimate += 0.15 - 0.04 * crowd;
    }
  }
  // Spare trumps ruff short side suits.
  let shortSuits = 0;
  for (const suit of ["C", "D", "H", "S"] as const) {
    if (suit !== trump && (bySuit.get(suit) ?? 0) <= 1) shortSuits++;
  }
  if (hand.length >= 3) estimate += Math.min(shortSuits, Math.max(0, trumps - 1)) * 0.3;
  return estimate;
}

function chooseBid(view: GameView, hand: readonly Card[], trump: Suit): number | null {
  const estimate = estimateTricks(hand, trump, view.config.seats);
  let best: number | null = null;
  for (const bid of view.legalBids) {
    if (best === null || Math.abs(bid - estimate) < Math.abs(best - estimate)) best = bid;
  }
  return best;
}

function chooseCard(view: GameView, seat: number, trump: Suit): Card | null {
  const legal = byStrength(view.legalCards, trump);
  const weakest = legal[0];
  const strongest = legal[legal.length - 1];
  if (weakest === undefined || strongest === undefined) return null;
  const me = view.seats[seat];
  const wantMore = me !== undefined && (me.bid ?? 0) > me.tricks;
  const lead = view.currentTrick[0];
  if (lead === undefined) {
    if (!wantMore) return weakest;
    // Lead a side-suit ace or king if we hold one, else our strongest card.
    const sideHigh = legal.filter((c) => suitOf(c) !== trump && rankIndex(c) >= 11);
    return sideHigh[sideHigh.length - 1] ?? strongest;
  }
  const ledSuit = suitOf(lead.card);
  const best = trickWinner(view.currentTrick, trump).card;
  const winners = legal.filter((c) => beats(c, best, ledSuit, trump));
  const losers = legal.filter((c) => !beats(c, best, ledSuit, trump));
  const playsLast = view.currentTrick.length === view.config.seats - 1;
  if (wantMore) {
    if (winners.length === 0) return weakest;
    return (playsLast ? winners[0] : winners[winners.length - 1]) ?? strongest;
  }
  if (losers.length > 0) return losers[losers.length - 1] ?? weakest;
  return playsLast ? strongest : weakest;
}

/** The house bot's command for `view`, or null when it is not this seat's turn. */
export function smartPolicy(view: GameView): Command | null {
  if (view.viewer === "spectator" || view.turn !== view.viewer || view.hand === null || view.trumpCard === null) return null;
  const seat = view.viewer;
  const trump = suitOf(view.trumpCard);
  if (view.phase === "bidding") {
    const bid = chooseBid(view, view.hand, trump);
    return bid === null ? null : { type: "bid", seat, bid };
  }
  if (view.phase === "playing") {
    const card = chooseCard(view, seat, trump);
    return card === null ? null : { type: "play", seat, card };
  }
  return null;
}
