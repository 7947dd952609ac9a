/**
 * Projects engine views into the Colyseus schema. Pure mapping, no rules: the public part comes
 * from `viewFor(state, "spectator")`, each hand from `viewFor(state, seat)`.
 */
import type { ArraySchema } from "@colyseus/schema";
import type { GameState, GameView, TrickPlay } from "../src/game/types.js";
import type { Engine } from "./ports.js";
import {
  HandState,
  RoundResultState,
  SeatResultState,
  SeatState,
  TrickPlayState,
  type TableState,
} from "../src/shared/schema/TableState.js";

/** Replaces the contents of a primitive array only when they differ (keeps patches small). */
function syncPrimitives<T extends string | number>(target: ArraySchema<T>, values: readonly T[]): void {
  if (target.length === values.length && values.every((v, i) => target[i] === v)) return;
  target.clear();
  if (values.length > 0) target.push(...values);
}

function syncTrick(target: ArraySchema<TrickPlayState>, plays: readonly TrickPlay[]): void {
  const same = target.length === plays.length && plays.every((p, i) => target[i]?.seat === p.seat && target[i]?.card === p.card);
  if (same) return;
  target.clear();
  for (const p of plays) {
    const item = new TrickPlayState();
    item.seat = p.seat;
    item.card = p.card;
    target.push(item);
  }
}

/** Creates the seat and hand entries of a table with `seatCount` seats. */
export function initTableState(state: TableState, gameId: string, seatCount: number): void {
  state.gameId = gameId;
  state.seatCount = seatCount;
  for (let seat = 0; seat < seatCount; seat++) {
    const s = new SeatState();
    s.seat = seat;
    state.seats.push(s);
    const hand = new HandState();
    hand.seat = seat;
    state.hands.set(String(seat), hand);
  }
}

/** The hand entry of a seat (created by `initTableState`). */
export function handOf(state: TableState, seat: number): HandState | undefined {
  return state.hands.get(String(seat));
}

/** Copies the public view into the state. */
export function projectPublic(state: TableState, view: GameView): void {
  state.turnSeconds = view.config.turnSeconds;
  state.phase = view.phase;
  state.round = view.round;
  state.dealer = view.dealer;
  state.trumpCard = view.trumpCard ?? "";
  state.trick = view.trick;
  state.turn = view.turn ?? -1;
  state.seedCommitment = view.seedCommitment;
  state.revealedSeed = view.revealedSeed ?? "";
  for (const sv of view.seats) {
    const s = state.seats[sv.seat];
    if (s === undefined) continue;
    s.playerId = sv.occupant?.playerId ?? "";
    s.displayName = sv.occupant?.displayName ?? "";
    s.isBot = sv.occupant?.isBot ?? false;
    s.occupied = sv.occupant !== null;
    s.away = sv.away;
    s.handSize = sv.handSize;
    s.bid = sv.bid ?? -1;
    s.tricks = sv.tricks;
    s.score = sv.score;
  }
  syncTrick(state.currentTrick, view.currentTrick);
  state.lastTrickSeat = view.lastTrick?.seat ?? -1;
  syncTrick(state.lastTrick, view.lastTrick?.plays ?? []);
  // Round results only ever grow (a new game state is a new room).
  while (state.roundResults.length > view.roundResults.length) state.roundResults.pop();
  for (let i = state.roundResults.length; i < view.roundResults.length; i++) {
    const rr = new RoundResultState();
    rr.round = i + 1;
    for (const r of view.roundResults[i] ?? []) {
      const sr = new SeatResultState();
      sr.seat = r.seat;
      sr.bid = r.bid;
      sr.tricks = r.tricks;
      sr.points = r.points;
      sr.misplay = r.misplay;
      rr.results.push(sr);
    }
    state.roundResults.push(rr);
  }
  syncPrimitives(state.winners, view.winners);
}

/** Copies one seat's private view (hand and legal moves) into its hand entry. */
export function projectHand(hand: HandState, view: GameView): void {
  syncPrimitives(hand.cards, view.hand ?? []);
  syncPrimitives(hand.legalBids, view.legalBids);
  syncPrimitives(hand.legalCards, view.legalCards);
}

/** Projects a game into the table's schema: the public view, then each seat's own hand. */
export function projectGame(state: TableState, game: GameState, engine: Pick<Engine, "viewFor">): void {
  projectPublic(state, engine.viewFor(game, "spectator"));
  state.eventCount = game.eventCount;
  for (let seat = 0; seat < game.config.seats; seat++) {
    const hand = handOf(state, seat);
    if (hand !== undefined) projectHand(hand, engine.viewFor(game, seat));
  }
}
