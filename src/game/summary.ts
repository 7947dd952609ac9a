/**
 * What a completed game owes the database: its `game_summaries` row and each player's lifetime
 * stat delta.
 *
 * Whose result is it? A seat's result belongs to the player who held it at `game_started`
 * (`state.originalOccupants`), even when a bot took the seat over later: leaving mid-game does
 * not dodge a loss, and the bot that finished the game is credited with nothing.
 */
import { dealerForRound } from "./deal.js";
import { InvariantError } from "./invariant.js";
import type { GameState, GameSummary, LifetimeStatDelta, SeatOccupant, SummaryPlayer, SummaryRound } from "./types.js";

function requireCompleted(state: GameState): void {
  if (state.phase !== "completed") throw new InvariantError(`game ${state.gameId} is not completed`);
}

function originalOccupant(state: GameState, seat: number): SeatOccupant {
  const occupant = state.originalOccupants[seat];
  if (occupant === undefined) throw new InvariantError(`seat ${seat} had no occupant at the start`);
  return occupant;
}

function tricksBySeat(state: GameState): number[] {
  const tricks = state.scores.map(() => 0);
  for (const results of state.roundResults) {
    for (const r of results) tricks[r.seat] = (tricks[r.seat] ?? 0) + r.tricks;
  }
  return tricks;
}

/** The longest run, by any seat, of consecutive rounds in which `hit(result)` held. */
function longestRun(state: GameState, hit: (bid: number, tricks: number) => boolean): number {
  let best = 0;
  for (let seat = 0; seat < state.config.seats; seat++) {
    let run = 0;
    for (const results of state.roundResults) {
      const r = results[seat];
      run = r !== undefined && hit(r.bid, r.tricks) ? run + 1 : 0;
      if (run > best) best = run;
    }
  }
  return best;
}

/**
 * The `game_summaries` row of a completed game (throws `InvariantError` otherwise). Players are
 * the occupants at `game_started`; see the module docs.
 */
export function summarize(state: GameState): GameSummary {
  requireCompleted(state);
  const tricks = tricksBySeat(state);
  const players: SummaryPlayer[] = state.scores.map((score, seat) => {
    const o = originalOccupant(state, seat);
    return {
      playerId: o.playerId,
      displayName: o.displayName,
      seat,
      isBot: o.isBot,
      score,
      tricksWon: tricks[seat] ?? 0,
      won: state.winners.includes(seat),
    };
  });
  const rounds: SummaryRound[] = state.roundResults.map((results, i) => {
    const trumpCard = state.trumpHistory[i];
    if (trumpCard === undefined) throw new InvariantError(`round ${i + 1} has no trump card`);
    return { round: i + 1, dealer: dealerForRound(i + 1, state.config.seats), trumpCard, results };
  });
  const finalScores: Record<string, number> = {};
  for (const p of players) finalScores[p.playerId] = p.score;
  const all = state.roundResults.flat();
  return {
    gameId: state.gameId,
    players,
    rounds,
    finalScores,
    highestBid: Math.max(0, ...all.map((r) => r.bid)),
    highestScore: Math.max(...state.scores),
    lowestScore: Math.min(...state.scores),
    mostConsecutiveWins: longestRun(state, (bid, taken) => bid === taken),
    mostConsecutiveLosses: longestRun(state, (bid, taken) => bid !== taken),
    highestMisplay: Math.max(0, ...all.map((r) => r.misplay)),
  };
}

/**
 * Whether a seat's game was perfect: it played at least one round and made every bid (took
 * exactly the tricks it bid in every round). Counted in `player_lifetime_stats.perfect_games`.
 */
export function isPerfectGame(delta: Pick<LifetimeStatDelta, "roundsPlayed" | "bidsMade">): boolean {
  return delta.roundsPlayed > 0 && delta.bidsMade === delta.roundsPlayed;
}

/**
 * What a completed game adds to each player's lifetime stats, one entry per seat, credited to
 * the seat's occupant at `game_started` (throws `InvariantError` if the game is not completed).
 */
export function lifetimeDeltas(state: GameState): LifetimeStatDelta[] {
  requireCompleted(state);
  const tricks = tricksBySeat(state);
  return state.scores.map((score, seat) => {
    const o = originalOccupant(state, seat);
    const results = state.roundResults.map((r) => r[seat]).filter((r) => r !== undefined);
    return {
      playerId: o.playerId,
      isBot: o.isBot,
      score,
      won: state.winners.includes(seat),
      tricksWon: tricks[seat] ?? 0,
      roundsPlayed: results.length,
      bidsMade: results.filter((r) => r.bid === r.tricks).length,
      zeroBidsMade: results.filter((r) => r.bid === 0 && r.tricks === 0).length,
      moves: state.moveCounts[seat] ?? { moves: 0, notOwn: 0 },
    };
  });
}
