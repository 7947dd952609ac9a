/** Plays whole games with injected seat policies: for bots, benches, tests and load tools. */
import { createGame } from "./createGame.js";
import { decide } from "./decide.js";
import { evolve } from "./evolve.js";
import { InvariantError } from "./invariant.js";
import { viewFor } from "./view.js";
import type { Command, FairnessScheme, GameConfig, GameEvent, GameId, GameState, GameView, SeatOccupant } from "./types.js";

/** A seat's brain: the command to send for a view, or null when it has nothing to do. */
export type SeatPolicy = (view: GameView) => Command | null;

/** What `simulateGame` needs. */
export interface SimulateInput {
  readonly gameId: GameId;
  readonly config: GameConfig;
  readonly sessionSeed: string;
  /** One occupant per seat, joined in seat order. */
  readonly players: readonly SeatOccupant[];
  /** One policy per seat; each sees only `viewFor(state, seat)`. */
  readonly policies: readonly SeatPolicy[];
  /** One client seed per seat (v2); a missing one is derived from the server seed, as for a bot. */
  readonly clientSeeds?: readonly string[];
  /** The fairness scheme (default: the current one). */
  readonly fairness?: FairnessScheme;
}

/** A finished simulated game. */
export interface SimulatedGame {
  readonly events: readonly GameEvent[];
  readonly state: GameState;
}

/**
 * Creates, fills, starts and plays a game to the end: on each turn the seat's policy gets its
 * view and its command goes through `decide`; the events go through `evolve`. Throws an
 * `InvariantError` if a policy passes on its turn or sends a command that is rejected.
 */
export function simulateGame(input: SimulateInput): SimulatedGame {
  const created = createGame(input);
  const events: GameEvent[] = [created];
  let state = evolve(null, created);
  const apply = (command: Command): void => {
    const decision = decide(state, command);
    if (!decision.ok) {
      throw new InvariantError(`${command.type} rejected: ${decision.rejection.code} (${decision.rejection.message})`);
    }
    for (const event of decision.events) {
      state = evolve(state, event);
      events.push(event);
    }
  };
  input.players.forEach((p, seat) => {
    const clientSeed = input.clientSeeds?.[seat] ?? null;
    apply({ type: "join", seat, playerId: p.playerId, displayName: p.displayName, isBot: p.isBot, clientSeed });
  });
  apply({ type: "start" });
  while (state.phase !== "completed") {
    const seat = state.turn;
    if (seat === null) throw new InvariantError("a live game with no turn");
    const policy = input.policies[seat];
    const command = policy === undefined ? null : policy(viewFor(state, seat));
    if (command === null) throw new InvariantError(`seat ${seat} passed on its turn`);
    apply(command);
  }
  return { events, state };
}
