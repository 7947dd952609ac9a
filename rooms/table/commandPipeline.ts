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
import { isFencedAppend, isRetryableAppendFailure, type AppendResult } from "../../src/platform/eventLog.js";
import type { Engine, EventLog } from "../ports.js";

/**
 * How a table waits out storage that is down (issue 19, item 2): an append that failed and wrote
 * nothing is made again after `delayMs(attempt)` (100 ms doubling, at most 500 ms), for at most
 * `giveUpMs`; then the command is refused with `server/storage_unavailable` (nothing changed).
 */
export interface AppendRetryPolicy {
  readonly giveUpMs: number;
  delayMs(attempt: number): number;
  sleep(ms: number): Promise<void>;
  now(): number;
}

/** The default: retry for up to 60 s, 100/200/400/500/500... ms apart. */
export const DEFAULT_APPEND_RETRY: AppendRetryPolicy = {
  giveUpMs: 60_000,
  delayMs: (attempt) => Math.min(500, 100 * 2 ** Math.max(0, attempt - 1)),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: () => Date.now(),
};

/** The outcome of one command: the index of the last event it appended, or why it was refused. */
export type Outcome =
  | { readonly ok: true; readonly eventIndex: number }
  | { readonly ok: false; readonly code: ReasonCode; readonly message: string };

/** What the pipeline drives. */
export interface PipelinePorts {
  readonly engine: Pick<Engine, "decide" | "evolve">;
  readonly eventLog: Pick<EventLog, "append" | "forget">;
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
  /** Retries of appends that failed with nothing written (default {@link DEFAULT_APPEND_RETRY}). */
  readonly appendRetry?: AppendRetryPolicy;
  /** Another process owns the game now (E8 of db/eventLog.ts): the table must close here. */
  readonly onFenced?: () => void;
}

/** The answer to every command once another process took the table over. */
const MOVED: Outcome = { ok: false, code: "server/table_moved", message: "another server process took this table over; nothing changed: rejoin by the game id" };

/** The ordered command pipeline of one table. */
export class CommandPipeline {
  private queue: Promise<unknown> = Promise.resolve();
  private stopped = false;
  private moved = false;

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

  /** Waits for every task queued so far, then lets the event log free this game's memory (the room goes). */
  async close(): Promise<void> {
    await this.idle();
    try {
      this.ports.eventLog.forget(this.game.gameId);
    } catch (err) {
      this.ports.log.warn({ err, gameId: this.game.gameId }, "the event log cannot forget this game yet");
    }
  }

  /** Queues `command` and resolves with its outcome (rejects when storage failed). */
  submit(command: Command): Promise<Outcome> {
    return this.enqueue(() => this.apply(command));
  }

  /** decide -> append (commit) -> evolve -> complete -> timers -> publish. Call only inside the queue. */
  async apply(command: Command): Promise<Outcome> {
    if (this.moved) return MOVED;
    if (this.stopped) return { ok: false, code: "server/shutting_down", message: "the server is shutting down" };
    const { engine, log } = this.ports;
    const decision = engine.decide(this.game, command);
    if (!decision.ok) return { ok: false, code: decision.rejection.code, message: decision.rejection.message };
    const events = decision.events;
    if (events.length === 0) return { ok: true, eventIndex: this.game.eventCount - 1 };
    const expected = this.game.eventCount;
    const appended = await this.appendFenced(events);
    if (appended === "moved") return MOVED;
    if (appended === null) return { ok: false, code: "server/storage_unavailable", message: "the game's storage is unavailable; nothing changed, try again" };
    if (appended.firstIndex !== expected) {
      // A second writer: the log and this table disagree. Stop before showing anything.
      log.fatal({ gameId: this.game.gameId, expected, got: appended.firstIndex }, "event index mismatch: second writer?");
      throw new Error(`event index mismatch for game ${this.game.gameId}`);
    }
    this.ports.metrics.commandApplied(command.type);
    for (const event of events) this.game = engine.evolve(this.game, event);
    // Committed: from here on the command's outcome is ok, whatever a follow-up does (a failed
    // follow-up is logged; it never turns a committed move into a "nothing changed" answer).
    await this.afterCommit(events, expected);
    return { ok: true, eventIndex: appended.lastIndex };
  }

  /** {@link appendDurably}, or "moved" when another process owns the game now (told once to `onFenced`). */
  private async appendFenced(events: readonly GameEvent[]): Promise<AppendResult | null | "moved"> {
    try {
      return await this.appendDurably(events);
    } catch (err) {
      if (!isFencedAppend(err)) throw err;
      this.moved = true;
      this.stopped = true;
      this.ports.log.warn({ gameId: this.game.gameId }, "another process took this table over: closing it here without writing");
      this.ports.onFenced?.();
      return "moved";
    }
  }

  /**
   * Appends `events`, making the append again while it fails with nothing written (storage
   * down), within the retry policy. Null when the policy gave up: nothing was written.
   */
  private async appendDurably(events: readonly GameEvent[]): Promise<AppendResult | null> {
    const retry = this.ports.appendRetry ?? DEFAULT_APPEND_RETRY;
    const started = retry.now();
    for (let attempt = 1; ; attempt++) {
      try {
        const appended = await this.ports.eventLog.append(this.game.gameId, events);
        if (attempt > 1) this.ports.log.info({ gameId: this.game.gameId, attempts: attempt }, "append committed after storage came back");
        return appended;
      } catch (err) {
        if (!isRetryableAppendFailure(err)) throw err;
        const waited = retry.now() - started;
        // Shutting down: stop retrying (nothing was written); the table is restored from its log.
        if (waited >= retry.giveUpMs || this.stopped) {
          this.ports.log.warn({ gameId: this.game.gameId, attempts: attempt, waitedMs: waited }, "storage unavailable: command refused");
          return null;
        }
        if (attempt === 1) this.ports.log.warn({ gameId: this.game.gameId, code: "storage/append_failed" }, "append failed: retrying until storage answers");
        await retry.sleep(retry.delayMs(attempt));
      }
    }
  }

  /** The completion hand-off, timers, publish and follow-ups of committed events. */
  private async afterCommit(events: readonly GameEvent[], firstIndex: number): Promise<void> {
    const step = async (name: string, run: () => unknown): Promise<void> => {
      try {
        await run();
      } catch (err) {
        this.ports.log.warn({ err, gameId: this.game.gameId, step: name }, "a follow-up of a committed command failed");
      }
    };
    // The completion transaction commits before anyone is shown the end of the game.
    if (this.game.phase === "completed") await step("completion", () => this.ports.completion.handOff(this.game));
    await step("timers", () => this.ports.timers.rearm(this.game));
    await step("publish", () => this.ports.publisher.publish(events, firstIndex, this.game));
    await step("afterPublish", () => this.ports.afterPublish(events, this.game));
  }
}
