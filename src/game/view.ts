/** What each side may see: one pure projection of the state, for seats, spectators and bots. */
import { legalBids, legalCards } from "./legal.js";
import type { GameState, GameView, SeatView, Viewer } from "./types.js";

/**
 * The view of `state` for `viewer` (a seat index or `"spectator"`). A seat sees its own hand
 * (in display order) and, on its turn, its legal bids or cards; a spectator sees no hand. No view
 * holds another seat's hand, and the seed appears only once the game is completed. Throws a
 * `RangeError` for a seat index that is not at the table.
 */
export function viewFor(state: GameState, viewer: Viewer): GameView {
  const isSeat = viewer !== "spectator";
  if (isSeat && !(Number.isInteger(viewer) && viewer >= 0 && viewer < state.config.seats)) {
    throw new RangeError(`viewer ${viewer} is not a seat at this table`);
  }
  const seats: SeatView[] = state.seats.map((seat, i) => ({
    seat: i,
    occupant: seat.occupant,
    away: seat.away,
    handSize: state.hands[i]?.length ?? 0,
    bid: state.bids[i] ?? null,
    tricks: state.tricksWon[i] ?? 0,
    score: state.scores[i] ?? 0,
  }));
  return {
    gameId: state.gameId,
    config: state.config,
    viewer,
    phase: state.phase,
    round: state.round,
    dealer: state.dealer,
    trumpCard: state.trumpCard,
    trick: state.trick,
    turn: state.turn,
    seats,
    currentTrick: state.currentTrick,
    lastTrick: state.lastTrick,
    roundResults: state.roundResults,
    winners: state.winners,
    seedCommitment: state.seedCommitment,
    revealedSeed: state.phase === "completed" ? state.sessionSeed : null,
    hand: isSeat ? (state.hands[viewer] ?? []) : null, // state hands are kept in display order
    legalBids: isSeat ? legalBids(state, viewer) : [],
    legalCards: isSeat ? legalCards(state, viewer) : [],
  };
}
