/**
 * Who a finished game's seat counts for (docs/LADDER.md, rule L8). Pure: the completion
 * transaction supplies the facts (the engine's delta and the player's `unranked` flag) and
 * applies the verdict to the lifetime stats and the ladder.
 *
 * - A seat is **abandoned** when its player did not make more than half of its moves (bids
 *   and cards): the rest were made on timeout or by the bot that took the seat over. Its
 *   player gets a loss (even when the seat won) and no ladder points.
 * - Bots (`is_bot`) and test clients' guests (`players.unranked`) are never ranked.
 */
import type { LifetimeStatDelta, SeatMoveCount } from "../game/types.js";

/** True when the seat's player made at most half of its moves. A seat that made no move is not abandoned. */
export function isAbandoned(moves: SeatMoveCount): boolean {
  return moves.moves > 0 && moves.notOwn * 2 > moves.moves;
}

/** What a seat's game counts as for its player. */
export interface SeatStanding {
  readonly abandoned: boolean;
  /** The game counts as won in the lifetime stats: the seat won and was not abandoned. */
  readonly won: boolean;
  /** The game's score goes to the ladder. */
  readonly ranked: boolean;
}

/** Applies rule L8 to one seat. */
export function seatStanding(delta: Pick<LifetimeStatDelta, "isBot" | "won" | "moves">, account: { readonly unranked: boolean }): SeatStanding {
  const abandoned = !delta.isBot && isAbandoned(delta.moves);
  return { abandoned, won: delta.won && !abandoned, ranked: !delta.isBot && !account.unranked && !abandoned };
}

/**
 * The seats (seat indices, ascending) whose human player abandoned them (L8), from the engine's
 * deltas: what `game_summaries.abandoned_seats` stores and the rating places last (R2).
 */
export function abandonedSeats(players: readonly { readonly playerId: string; readonly seat: number }[], deltas: readonly Pick<LifetimeStatDelta, "playerId" | "isBot" | "moves">[]): number[] {
  const gone = new Set<string>(deltas.filter((d) => !d.isBot && isAbandoned(d.moves)).map((d) => d.playerId));
  return players
    .filter((p) => gone.has(p.playerId))
    .map((p) => p.seat)
    .sort((a, b) => a - b);
}
