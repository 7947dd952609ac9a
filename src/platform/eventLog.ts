/**
 * The durable, append-only event log every game is replayed from, as a port: the one definition
 * the storage layer implements and the layers above use.
 */
import type { GameEvent, GameId } from "../game/types.js";

/** The indexes an append's events received (inclusive). */
export interface AppendResult {
  readonly firstIndex: number;
  readonly lastIndex: number;
}

/** One stored event with its place in the log. */
export interface StoredEvent {
  readonly eventIndex: number;
  readonly event: GameEvent;
  readonly createdAt: Date;
}

/**
 * The event log port. db/eventLog.ts implements it (`GroupCommitEventLog`, with group commit on
 * either database backend) and states its guarantees E1-E7; the rooms see only `append`,
 * `readAll` and `forget` (rooms/ports.ts), the HTTP routes only `read`.
 */
export interface EventLog {
  /**
   * Appends `events` to the game's log at its next indexes and resolves once they are
   * committed. Rejects (and writes nothing) on failure; see the guarantees E1-E7 in db/eventLog.ts.
   */
  append(gameId: GameId, events: readonly GameEvent[]): Promise<AppendResult>;
  /** The game's committed events from `fromIndex` (default 0), in index order, paged. */
  read(gameId: GameId, fromIndex?: number): AsyncIterable<StoredEvent>;
  /** {@link read}, collected: the events only, ready for `fold`. */
  readAll(gameId: GameId, fromIndex?: number): Promise<GameEvent[]>;
  /**
   * Forgets what the log knows about a game: its cached next index and its conflict flag, so
   * the next append re-reads `MAX(event_index)`. Two uses: after a conflict (E6), once the
   * owner has reloaded the game's state from the log (never to retry the refused append);
   * and after a game ended, to release its memory. Throws while the game has appends in
   * progress.
   */
  forget(gameId: GameId): void;
  /** Flushes what is queued, waits for flushes in flight, then refuses further appends. */
  close(): Promise<void>;
}

/**
 * True when an append failed and wrote nothing, so the same append may be made again: the
 * storage's `storage/append_failed` (a lost connection or a database that is down; guarantee E4
 * of db/eventLog.ts rolled the game's next index back). A conflict (E6) is not retryable.
 */
export function isRetryableAppendFailure(err: unknown): boolean {
  return typeof err === "object" && err !== null && "code" in err && (err as { readonly code: unknown }).code === "storage/append_failed";
}

/**
 * True when an append was refused because another process owns the game now (`storage/game_fenced`,
 * guarantee E8 of db/eventLog.ts): nothing was written, and this process must stop hosting the table.
 */
export function isFencedAppend(err: unknown): boolean {
  return typeof err === "object" && err !== null && "code" in err && (err as { readonly code: unknown }).code === "storage/game_fenced";
}
