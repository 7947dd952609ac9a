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
import { beats, isOfSuit, rankIndex, SUITS, suitIndex, suitOf, trickWinner, type Card, type Command, type GameView, type Suit } from "../game/index.js";

/** Strength within one trick: any trump over any side card, then rank. */
function strength(card: Card, trump: Suit): number {
  return (isOfSuit(card, trump) ? 13 : 0) + rankIndex(card);
}

/** The expected number of tricks a hand takes, by a simple card-by-card heuristic. */
export function estimateTricks(hand: readonly Card[], trump: Suit, seats: number): number {
  const crowd = seats - 3; // every extra player makes a side-suit winner less safe
  const trumpIndex = SUITS.indexOf(trump);
  const bySuit = [0, 0, 0, 0]; // cards held per suit index (C, D, H, S)
  for (const card of hand) bySuit[suitIndex(card)] = (bySuit[suitIndex(card)] ?? 0) + 1;
  const trumps = bySuit[trumpIndex] ?? 0;
  let estimate = 0;
  for (const card of hand) {
    const rank = rankIndex(card); // 12 = ace
    const suit = suitIndex(card);
    if (suit === trumpIndex) {
      estimate += rank >= 12 ? 0.95 : rank === 11 ? 0.8 : rank === 10 ? 0.65 : rank === 9 ? 0.5 : rank >= 6 ? 0.35 : 0.2;
    } else {
      const length = bySuit[suit] ?? 0;
      const long = length >= 4 ? 0.15 : 0; // long side suits get ruffed before the king wins
      if (rank === 12) estimate += 0.8 - 0.07 * crowd - long;
      else if (rank === 11) estimate += 0.45 - 0.08 * crowd - long;
      else if (rank === 10) estimate += 0.15 - 0.04 * crowd;
    }
  }
  // Spare trumps ruff short side suits.
  let shortSuits = 0;
  for (let suit = 0; suit < 4; suit++) {
    if (suit !== trumpIndex && (bySuit[suit] ?? 0) <= 1) shortSuits++;
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
  const legal = view.legalCards;
  const me = view.seats[seat];
  const wantMore = me !== undefined && (me.bid ?? 0) > me.tricks;
  const lead = view.currentTrick[0];
  // Track, in one pass: weakest and strongest legal card; weakest and strongest card that would
  // take the trick as it stands; strongest card that would not; strongest side-suit ace/king.
  const ledSuit = lead === undefined ? null : suitOf(lead.card);
  const best = lead === undefined ? null : trickWinner(view.currentTrick, trump).card;
  // Each card is kept with its strength (`…S`), so no strength is computed twice.
  let weakest: Card | null = null, strongest: Card | null = null;
  let cheapWin: Card | null = null, topWin: Card | null = null, topLose: Card | null = null, sideHigh: Card | null = null;
  let weakestS = 0, strongestS = 0, cheapWinS = 0, topWinS = 0, topLoseS = 0, sideHighS = 0;
  for (const card of legal) {
    const s = strength(card, trump);
    if (weakest === null || s < weakestS) { weakest = card; weakestS = s; }
    if (strongest === null || s > strongestS) { strongest = card; strongestS = s; }
    if (s < 13 && rankIndex(card) >= 11 && (sideHigh === null || s > sideHighS)) { sideHigh = card; sideHighS = s; }
    if (best === null || ledSuit === null) continue;
    if (beats(card, best, ledSuit, trump)) {
      if (cheapWin === null || s < cheapWinS) { cheapWin = card; cheapWinS = s; }
      if (topWin === null || s > topWinS) { topWin = card; topWinS = s; }
    } else if (topLose === null || s > topLoseS) {
      topLose = card;
      topLoseS = s;
    }
  }
  if (weakest === null || strongest === null) return null;
  if (lead === undefined) return wantMore ? (sideHigh ?? strongest) : weakest;
  const playsLast = view.currentTrick.length === view.config.seats - 1;
  if (wantMore) {
    if (cheapWin === null) return weakest;
    return playsLast ? cheapWin : (topWin ?? cheapWin);
  }
  if (topLose !== null) return topLose;
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
