/**
 * The command pipeline of one table, without Colyseus: decide -> append (awaiting the commit)
 * -> evolve -> completion hand-off -> timers -> publish -> follow-ups, and the caller replies
 * with the outcome. Every task of a table (a move, a join, a timer, a takeover) runs through its
 * one promise queue, so commands apply strictly in order and nothing is shown before it is
 * durable. The event log, timers, completion and publisher are passed in (boardgame.io's
 * `Master(game, storage, transport)` habit), so it is unit-tested without a server.
 */
import type { Command, GameEvent, GameState } from "../../src/game/types.js";
import type { Logger } from "../../src/platform/logger.js";
import type { ReasonCode } from "../../src/shared/protocol.js";
import type { Engine, EventLog } from "../ports.js";

/** The outcome of one command: the index of the last event it appended, or why it was refused. */
export type Outcome =
  | { readonly ok: true; readonly eventIndex: number }
  | { readonly ok: false; readonly code: ReasonCode; readonly message: string };

/** What the pipeline drives. */
export interface PipelinePorts {
  readonly engine: Pick<Engine, "decide" | "evolve">;
  readonly eventLog: Pick<EventLog, "append">;
  /** A finished game's hand-off to the completion pipeline; it commits before anything is shown. */
  readonly completion: { handOff(game: GameState): Promise<unknown> };
  /** Re-arms the turn timer for the new state. */
  readonly timers: { rearm(game: GameState): void };
  /** Shows the committed events (projection, redacted event messages, state patch). */
  readonly publisher: { publish(events: readonly GameEvent[], firstIndex: number, game: GameState): void };
  /** After publishing: the side effects of particular events (listing, directory, notices). */
  readonly afterPublish: (events: readonly GameEvent[], game: GameState) => Promise<void>;
  readonly metrics: { commandApplied(type: Command["type"]): void };
  readonly log: Logger;
}

/** The ordered command pipeline of one table. */
export class CommandPipeline {
  private queue: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(
    private game: GameState,
    private readonly ports: PipelinePorts,
  ) {}

  /** The table's current state (the fold of its committed events). */
  get state(): GameState {
    return this.game;
  }

  /** True once {@link stop} was called: commands are refused with `server/shutting_down`. */
  get isStopped(): boolean {
    return this.stopped;
  }

  /** Refuses every later command (the server is shutting down). */
  stop(): void {
    this.stopped = true;
  }

  /** Runs `task` after every earlier task of this table (a failed task does not block the queue). */
  enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Resolves once every task queued so far has settled. */
  idle(): Promise<void> {
    return this.queue.then(() => undefined);
  }

  /** Queues `command` and resolves with its outcome (rejects when storage failed). */
  submit(command: Command): Promise<Outcome> {
    return this.enqueue(() => this.apply(command));
  }

  /** decide -> append (commit) -> evolve -> complete -> timers -> publish. Call only inside the queue. */
  async apply(command: Command): Promise<Outcome> {
    if (this.stopped) return { ok: false, code: "server/shutting_down", message: "the server is shutting down" };
    const { engine, eventLog, log } = this.ports;
    const decision = engine.decide(this.game, command);
    if (!decision.ok) return { ok: false, code: decision.rejection.code, message: decision.rejection.message };
    const events = decision.events;
    if (events.length === 0) return { ok: true, eventIndex: this.game.eventCount - 1 };
    const expected = this.game.eventCount;
    const appended = await eventLog.append(this.game.gameId, events);
    if (appended.firstIndex !== expected) {
      // A second writer: the log and this table disagree. Stop before showing anything.
      log.fatal({ gameId: this.game.gameId, expected, got: appended.firstIndex }, "event index mismatch: second writer?");
      throw new Error(`event index mismatch for game ${this.game.gameId}`);
    }
    this.ports.metrics.commandApplied(command.type);
    for (const event of events) this.game = engine.evolve(this.game, event);
    // The completion transaction commits before anyone is shown the end of the game.
    if (this.game.phase === "completed") await this.ports.completion.handOff(this.game);
    this.ports.timers.rearm(this.game);
    this.ports.publisher.publish(events, expected, this.game);
    await this.ports.afterPublish(events, this.game);
    return { ok: true, eventIndex: appended.lastIndex };
  }
}
