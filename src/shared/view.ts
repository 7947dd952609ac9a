/**
 * Rebuilds the engine's `GameView` from a decoded `table` state, so that a client (a bot, the
 * browser) can run the same pure code as the server. The input is structural (any decoded
 * `TableState`), and everything that is a string on the wire is checked before it becomes a
 * `Card` or a `Phase`.
 */
import { z } from "zod";
import type {
  Card,
  GameId,
  GameView,
  PlayerId,
  SeatRoundResult,
  SeatView,
  TrickPlay,
  Viewer,
} from "../game/types.js";
import { isCard } from "./protocol.js";

/** The parts of a decoded seat the view needs. */
export interface SeatLike {
  readonly seat: number;
  readonly playerId: string;
  readonly displayName: string;
  readonly isBot: boolean;
  readonly occupied: boolean;
  readonly away: boolean;
  readonly handSize: number;
  readonly bid: number;
  readonly tricks: number;
  readonly score: number;
}

/** The parts of a decoded hand the view needs. */
export interface HandLike {
  readonly cards: Iterable<string>;
  readonly legalBids: Iterable<number>;
  readonly legalCards: Iterable<string>;
}

/** The parts of a decoded `TableState` the view needs. */
export interface TableStateLike {
  readonly gameId: string;
  readonly seatCount: number;
  readonly turnSeconds: number;
  readonly phase: string;
  readonly round: number;
  readonly dealer: number;
  readonly trumpCard: string;
  readonly trick: number;
  readonly turn: number;
  readonly seats: Iterable<SeatLike>;
  readonly currentTrick: Iterable<{ readonly seat: number; readonly card: string }>;
  readonly lastTrickSeat: number;
  readonly lastTrick: Iterable<{ readonly seat: number; readonly card: string }>;
  readonly roundResults: Iterable<{ readonly round: number; readonly results: Iterable<SeatRoundResult> }>;
  readonly winners: Iterable<number>;
  readonly seedCommitment: string;
  readonly revealedSeed: string;
  readonly hands?: { get(key: string): HandLike | undefined } | undefined;
}

const phaseSchema = z.enum(["waiting", "bidding", "playing", "completed"]);

function cards(values: Iterable<string>): Card[] {
  const out: Card[] = [];
  for (const v of values) if (isCard(v)) out.push(v);
  return out;
}

function plays(values: Iterable<{ readonly seat: number; readonly card: string }>): TrickPlay[] {
  const out: TrickPlay[] = [];
  for (const p of values) if (isCard(p.card)) out.push({ seat: p.seat, card: p.card });
  return out;
}

/** Brands ids that came from the server's own state. */
function ids(gameId: string, playerId: string): { gameId: GameId; playerId: PlayerId } {
  return { gameId: gameId as GameId, playerId: playerId as PlayerId };
}

/**
 * The view of a decoded state for `viewer`. A seat's hand and legal moves come from its `hands`
 * entry, which the server only sends to that seat; when it is missing the hand is null.
 */
export function tableStateToView(state: TableStateLike, viewer: Viewer): GameView {
  const phase = phaseSchema.catch("waiting").parse(state.phase);
  const seats: SeatView[] = [...state.seats].map((s) => ({
    seat: s.seat,
    occupant: s.occupied ? { playerId: ids(state.gameId, s.playerId).playerId, displayName: s.displayName, isBot: s.isBot } : null,
    away: s.away,
    handSize: s.handSize,
    bid: s.bid < 0 ? null : s.bid,
    tricks: s.tricks,
    score: s.score,
  }));
  const hand = viewer === "spectator" ? undefined : state.hands?.get(String(viewer));
  const lastTrickPlays = plays(state.lastTrick);
  return {
    gameId: ids(state.gameId, "").gameId,
    config: { seats: state.seatCount, turnSeconds: state.turnSeconds },
    viewer,
    phase,
    round: state.round,
    dealer: state.dealer,
    trumpCard: isCard(state.trumpCard) ? state.trumpCard : null,
    trick: state.trick,
    turn: state.turn < 0 ? null : state.turn,
    seats,
    currentTrick: plays(state.currentTrick),
    lastTrick: state.lastTrickSeat < 0 ? null : { seat: state.lastTrickSeat, plays: lastTrickPlays },
    roundResults: [...state.roundResults].map((r) => [...r.results].map((x) => ({ seat: x.seat, bid: x.bid, tricks: x.tricks, points: x.points, misplay: x.misplay }))),
    winners: [...state.winners],
    seedCommitment: state.seedCommitment,
    revealedSeed: state.revealedSeed === "" ? null : state.revealedSeed,
    hand: hand === undefined ? null : cards(hand.cards),
    legalBids: hand === undefined ? [] : [...hand.legalBids],
    legalCards: hand === undefined ? [] : cards(hand.legalCards),
  };
}
