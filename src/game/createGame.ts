/** The first event of every game. */
import { CURRENT_FAIRNESS } from "./fairness.js";
import { isSessionSeed, seedCommitment } from "./seedCommitment.js";
import { EVENT_VERSION, MAX_SEATS, MIN_SEATS, type FairnessScheme, type GameConfig, type GameCreatedEvent, type GameId } from "./types.js";

/** What a new game needs; `sessionSeed` must come from a secure random source (64 hex chars). */
export interface CreateGameInput {
  readonly gameId: GameId;
  readonly config: GameConfig;
  readonly sessionSeed: string;
  /** The fairness scheme; new games use `CURRENT_FAIRNESS` (v2). v1 exists to test old logs. */
  readonly fairness?: FairnessScheme;
}

/** A config is valid with 3..5 seats and a positive, finite `turnSeconds`. */
export function isValidConfig(config: GameConfig): boolean {
  return (
    Number.isInteger(config.seats) &&
    config.seats >= MIN_SEATS &&
    config.seats <= MAX_SEATS &&
    Number.isFinite(config.turnSeconds) &&
    config.turnSeconds > 0
  );
}

/**
 * The `game_created` event (index 0 of the log), with the seed's commitment. Throws a
 * `RangeError` on a bad config or a seed that is not 64 lowercase hex chars: those are bugs in
 * the caller, not moves to reject.
 */
export function createGame(input: CreateGameInput): GameCreatedEvent {
  if (!isValidConfig(input.config)) {
    throw new RangeError(`invalid game config: ${JSON.stringify(input.config)}`);
  }
  if (!isSessionSeed(input.sessionSeed)) {
    throw new RangeError("sessionSeed must be 64 lowercase hex chars");
  }
  const event: GameCreatedEvent = {
    _v: EVENT_VERSION,
    type: "game_created",
    gameId: input.gameId,
    config: { seats: input.config.seats, turnSeconds: input.config.turnSeconds },
    seedCommitment: seedCommitment(input.sessionSeed),
    sessionSeed: input.sessionSeed,
  };
  // A v1 game is written exactly as games were before v2 existed: without the field.
  const fairness = input.fairness ?? CURRENT_FAIRNESS;
  return fairness === "v1" ? event : { ...event, fairness };
}
