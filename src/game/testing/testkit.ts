/**
 * Helpers for tests of the engine and of code built on it (not re-exported from `index.ts`):
 * build a game to a given point, apply commands, and craft deals. Pure, like the engine.
 */
import { createGame } from "../createGame.js";
import { decide } from "../decide.js";
import { evolve } from "../evolve.js";
import { sha256Hex } from "../hash.js";
import { EVENT_VERSION, type Card, type Command, type FairnessScheme, type GameEvent, type GameId, type GameState, type PlayerId } from "../types.js";

/** A game's log and its folded state. */
export interface Game {
  readonly events: readonly GameEvent[];
  readonly state: GameState;
}

/** The session seed tests use by default: sha256("pzo:test:<label>"). */
export function testSeed(label = "default"): string {
  return sha256Hex(`pzo:test:${label}`);
}

/** Seat `seat`'s client seed in tests: sha256("pzo:test:client:<seat>"). */
export function testClientSeed(seat: number): string {
  return sha256Hex(`pzo:test:client:${seat}`);
}

/** The join command of player `p<seat>` for tests, with its client seed. */
export function testJoin(seat: number): Command {
  return { type: "join", seat, ...testPlayer(seat), clientSeed: testClientSeed(seat) };
}

/** Player `p<seat>` for tests. */
export function testPlayer(seat: number): { playerId: PlayerId; displayName: string; isBot: boolean } {
  return { playerId: `p${seat}` as PlayerId, displayName: `Player ${seat}`, isBot: false };
}

/** A created game with no one seated (v2 unless `fairness` says otherwise). */
export function newGame(seats = 4, seed = testSeed(), fairness: FairnessScheme = "v2"): Game {
  const created = createGame({ gameId: "g-test" as GameId, config: { seats, turnSeconds: 30 }, sessionSeed: seed, fairness });
  return { events: [created], state: evolve(null, created) };
}

/** Applies `events` to `game`. */
export function applyEvents(game: Game, events: readonly GameEvent[]): Game {
  let state = game.state;
  for (const event of events) state = evolve(state, event);
  return { events: [...game.events, ...events], state };
}

/** Decides `command` and applies its events; throws with the reason code if it is rejected. */
export function run(game: Game, command: Command): Game {
  const decision = decide(game.state, command);
  if (!decision.ok) throw new Error(`${command.type} rejected: ${decision.rejection.code}`);
  return applyEvents(game, decision.events);
}

/** A game with every seat joined (players `p0..`) and started: round 1, bidding. */
export function startedGame(seats = 4, seed = testSeed(), fairness: FairnessScheme = "v2"): Game {
  let game = newGame(seats, seed, fairness);
  for (let s = 0; s < seats; s++) game = run(game, testJoin(s));
  return run(game, { type: "start" });
}

/** A crafted deal for round `round`: hands by seat and a trump card (the dealer follows the rules). */
export interface CraftedDeal {
  readonly hands: readonly (readonly Card[])[];
  readonly trumpCard: Card;
}

/**
 * A started game whose round `deals.length` is being bid, with every round dealt from `deals`
 * (index 0 = round 1) instead of the seed; earlier rounds are played out by timeouts. Crafted
 * deals fold (evolve checks their shape, not the seed) but `verifyGame` rejects them.
 */
export function gameWithDeals(deals: readonly CraftedDeal[], seats = 4): Game {
  let game = newGame(seats);
  for (let s = 0; s < seats; s++) game = run(game, testJoin(s));
  const craft = (event: GameEvent): GameEvent => {
    if (event.type !== "round_started") return event;
    const deal = deals[event.round - 1];
    if (deal === undefined) throw new Error(`no crafted deal for round ${event.round}`);
    return { _v: EVENT_VERSION, type: "round_started", round: event.round, dealer: event.dealer, trumpCard: deal.trumpCard, hands: deal.hands };
  };
  const step = (command: Command): void => {
    const decision = decide(game.state, command);
    if (!decision.ok) throw new Error(`${command.type} rejected: ${decision.rejection.code}`);
    game = applyEvents(game, decision.events.map(craft));
  };
  step({ type: "start" });
  while (game.state.round < deals.length) {
    const seat = game.state.turn;
    if (seat === null) throw new Error("no turn");
    step({ type: "timeout", seat });
  }
  return game;
}

/** Bids `bids` in turn order (each entry goes to whoever's turn it is). */
export function bidAll(game: Game, bids: readonly number[]): Game {
  let g = game;
  for (const bid of bids) {
    const seat = g.state.turn;
    if (seat === null) throw new Error("no turn");
    g = run(g, { type: "bid", seat, bid });
  }
  return g;
}

/** Plays `cards` in turn order. */
export function playAll(game: Game, cards: readonly Card[]): Game {
  let g = game;
  for (const card of cards) {
    const seat = g.state.turn;
    if (seat === null) throw new Error("no turn");
    g = run(g, { type: "play", seat, card });
  }
  return g;
}
