/**
 * Game completion as a pipeline of participants. Everything a finished game owes storage is
 * written in ONE transaction by an ordered list of participants; after the commit each
 * participant's `afterCommit` runs once with what its `write` returned (cache updates, published
 * deltas). A new game-end feature (achievements, rewards, ratings) is a new participant, never a
 * new call in the room. How to add one: docs/STORAGE.md, "Completion participants".
 *
 * The pipeline knows no database: the transaction runner and the claim come from `db/`
 * (`db/completion.ts` wires the built-in participants over Drizzle).
 *
 * Rules:
 * - P1 keyed on the game id: inside the transaction the claim runs first (it locks the game row
 *   and checks its status). A game already completed is not claimed: no participant writes and
 *   no `afterCommit` runs, so a retried or concurrent completion applies nothing twice.
 * - P2 all or nothing: a participant's `write` that throws rolls back every write (the runner's
 *   transaction) and nothing runs after it; the error reaches the caller.
 * - P3 after the commit, each claimed participant's `afterCommit` runs exactly once, in order. A
 *   failing `afterCommit` is logged and does not stop the others (the data is committed; caches
 *   have their own drift repair).
 */
import type { GameId, GameSummary, LifetimeStatDelta } from "../game/types.js";
import type { Logger } from "../platform/logger.js";

/** A finished game, as the room hands it over. */
export interface FinishedGame {
  readonly gameId: GameId;
  /** When the game ended (the commit of its `game_completed` event). */
  readonly completedAt: Date;
  /** The engine's `summarize(state)`. */
  readonly summary: GameSummary;
  /** The engine's `lifetimeDeltas(state)`: one per seat. */
  readonly deltas: readonly LifetimeStatDelta[];
}

/** What a completion did. */
export type CompletionResult =
  | { readonly applied: true }
  /** The game was already completed (P1): nothing was written, nothing ran after. */
  | { readonly applied: false };

/** The port the table room hands a finished game to. */
export interface GameCompletion {
  /** Runs the completion (P1-P3). Rejects when a write failed, in which case nothing was written. */
  complete(game: FinishedGame): Promise<CompletionResult>;
}

/** One thing a finished game writes, inside the shared transaction `Tx`. */
export interface CompletionParticipant<Tx, T = unknown> {
  /** A short stable name, for logs. */
  readonly name: string;
  /** Writes inside the transaction. Throwing rolls the whole completion back (P2). */
  write(tx: Tx, game: FinishedGame): Promise<T>;
  /** Runs once after the commit with what `write` returned (P3). */
  afterCommit(result: T, game: FinishedGame): Promise<void>;
}

/** Runs a body in one database transaction (retrying it whole on a transient failure). */
export interface TransactionRunner<Tx> {
  transaction<R>(body: (tx: Tx) => Promise<R>): Promise<R>;
}

/**
 * Inside the transaction, before any participant: locks the game and says whether this
 * transaction owns its completion (false: already completed). It may throw to refuse the input.
 */
export type CompletionClaim<Tx> = (tx: Tx, game: FinishedGame) => Promise<boolean>;

/** A participant's committed result, ready for its `afterCommit`. */
interface Pending {
  readonly name: string;
  run(): Promise<void>;
}

/**
 * A participant as the pipeline holds it: its result type is hidden, while its `write` and
 * `afterCommit` stay paired. Make one with {@link register}.
 */
export interface RegisteredParticipant<Tx> {
  readonly name: string;
  write(tx: Tx, game: FinishedGame): Promise<Pending>;
}

/** Registers a participant (any result type) with a pipeline over `Tx`. */
export function register<Tx, T>(participant: CompletionParticipant<Tx, T>): RegisteredParticipant<Tx> {
  return {
    name: participant.name,
    async write(tx, game) {
      const result = await participant.write(tx, game);
      return { name: participant.name, run: () => participant.afterCommit(result, game) };
    },
  };
}

/** The completion pipeline over a transaction runner, a claim and ordered participants. */
export class CompletionPipeline<Tx> implements GameCompletion {
  constructor(
    private readonly runner: TransactionRunner<Tx>,
    private readonly claim: CompletionClaim<Tx>,
    private readonly participants: readonly RegisteredParticipant<Tx>[],
    private readonly logger: Pick<Logger, "error">,
  ) {}

  async complete(game: FinishedGame): Promise<CompletionResult> {
    const pending = await this.runner.transaction(async (tx) => {
      if (!(await this.claim(tx, game))) return null;
      const done: Pending[] = [];
      for (const participant of this.participants) done.push(await participant.write(tx, game));
      return done;
    });
    if (pending === null) return { applied: false };
    for (const p of pending) {
      try {
        await p.run();
      } catch (err) {
        this.logger.error({ err, gameId: game.gameId, participant: p.name }, "completion: afterCommit failed (the completion is committed)");
      }
    }
    return { applied: true };
  }
}
