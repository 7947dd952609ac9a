/** Scoring: points for a round, results of a round, and the winners of a game. */
import type { SeatIndex, SeatRoundResult } from "./types.js";

/** `10 + bid` for an exact bid, else `-|bid - tricks|`. */
export function roundPoints(bid: number, tricks: number): number {
  return bid === tricks ? 10 + bid : -Math.abs(bid - tricks);
}

/** Each seat's result for a round from its bid and tricks taken (both indexed by seat). */
export function scoreRound(bids: readonly number[], tricks: readonly number[]): SeatRoundResult[] {
  return bids.map((bid, seat) => {
    const taken = tricks[seat] ?? 0;
    return { seat, bid, tricks: taken, points: roundPoints(bid, taken), misplay: Math.abs(bid - taken) };
  });
}

/** Every seat tied on the top total, in seat order (empty only for an empty table). */
export function winnersOf(totals: readonly number[]): SeatIndex[] {
  const top = Math.max(...totals);
  const winners: SeatIndex[] = [];
  totals.forEach((total, seat) => {
    if (total === top) winners.push(seat);
  });
  return winners;
}
