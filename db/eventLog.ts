/**
 * The event log: the durable, append-only record every game is replayed from.
 *
 * {@link EventLog} (src/platform/eventLog.ts) is the port the layers above see; rooms take the
 * narrow part they use. {@link GroupCommitEventLog} implements it on either
 * database backend with group commit: appends from every game in the process are gathered
 * and written by one multi-row INSERT per flush, flushed when `maxBatch` events are waiting or
 * `maxWaitMs` after the first one arrived.
 *
 * Guarantees (each has a contract test in `eventLog.contract.test.ts`):
 * - E1 indexes: an append's events get the game's next `event_index` values, in call order,
 *   with no gap and no duplicate. The next index per game lives in memory, seeded from
 *   `MAX(event_index)` on the game's first use.
 * - E2 durability: `append` resolves only after the INSERT holding its events committed.
 * - E3 atomic append: an append's events are written together or not at all.
 * - E4 failure: a failed flush rejects every append in it and rolls the affected games' next
 *   index back to the first failed one, so the next append leaves no gap. Appends of those
 *   games queued behind the failed ones are rejected too (they were decided on top of the
 *   failed events).
 * - E5 retry: transient failures (lost connection, serialization failure, deadlock) are
 *   retried up to `maxRetries` times. Before a retry the log checks whether the previous
 *   attempt in fact committed (a connection can drop after COMMIT), so a retry never writes
 *   twice.
 * - E6 conflict: a unique violation on (game_id, event_index) means another writer (or a
 *   stale counter). It is never papered over by renumbering: the game's appends are rejected
 *   with {@link EventIndexConflictError}, an error is logged, and every later append of that
 *   game is refused until {@link EventLog.forget} is called (after the owner reloaded its state
 *   from the log). Other games in the same flush are written unharmed.
 * - E7 per-game exclusivity: a game has at most one flush in flight, so per-game order holds
 *   even with several concurrent flushes.
 * - E8 fence (with `fenceNode`): the flush inserts only the rows of games whose `owner_node` is
 *   this process (db/gameLeases.ts), reading the game row under a key-share lock, in the same
 *   statement. A game another process claimed is rejected with {@link GameFencedError}, nothing of
 *   it written, and every later append of it is refused until {@link EventLog.forget}.
 */
import { and, asc, eq, getTableColumns, gte, is, lte, max, or, SQL, sql } from "drizzle-orm";
import pino from "pino";
import type { GameEvent, GameId } from "../src/game/types.js";
import type { AppendResult, EventLog, StoredEvent } from "../src/platform/eventLog.js";
import type { Database } from "./client.js";
import { decodeEvent, encodeEvent, type EncodedEvent } from "./eventCodec.js";
import { GameNotFoundError, StorageError } from "./errors.js";
import { isDatabaseUnavailable, isTransientPgError, pgErrorCode, pgErrorMessage, SQLSTATE } from "./pgError.js";
import { OutageLog } from "../src/platform/outageLog.js";
import { gameEvents } from "./schema/gameEvents.js";
import { games } from "./schema/games.js";

/** The narrow logger the storage layer writes to (a pino logger fits). */
export interface StorageLogger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** What a fault hook learns about the flush attempt it is called for. */
export interface FlushAttempt {
  /** 1 for the first attempt, 2 for the first retry, ... */
  readonly attempt: number;
  /** The games whose events this flush writes, in batch order, without repeats. */
  readonly gameIds: readonly GameId[];
  /** Number of events in the INSERT. */
  readonly events: number;
}

/**
 * Test seams for fault injection, passed to the constructor. A hook that throws makes that
 * attempt fail with the thrown error, exactly as if the database had raised it.
 */
export interface EventLogFaults {
  /** Called before the INSERT of every attempt. */
  beforeInsert?(attempt: FlushAttempt): void | Promise<void>;
  /** Called after the INSERT succeeded (throw to simulate a connection lost after COMMIT). */
  afterInsert?(attempt: FlushAttempt): void | Promise<void>;
}

/** One settled flush, for metrics (`GroupCommitEventLog.onFlush`). */
export interface FlushReport {
  /** Events the flush was started with. */
  readonly events: number;
  /** INSERT attempts made (1 without retries). */
  readonly attempts: number;
  /** From the flush's start until every append in it was settled. */
  readonly seconds: number;
  /** False when any append in it was rejected. */
  readonly committed: boolean;
}

/** Options of {@link GroupCommitEventLog}. */
export interface GroupCommitOptions {
  /** Events per flush before it is sent at once (default 500). An append is never split. */
  readonly maxBatch?: number;
  /**
   * Longest wait, in ms, between the first queued event and its flush while other flushes are
   * in flight (default 2). With no flush in flight a flush starts at once (see `idleFlush`).
   */
  readonly maxWaitMs?: number;
  /**
   * When no flush is in flight, send what is queued at once (on the next turn of the event
   * loop, so appends made together still share a flush) instead of waiting `maxWaitMs`
   * (default true). Under load, appends gather behind the flush in flight by themselves.
   */
  readonly idleFlush?: boolean;
  /** Flushes that may be in flight together (default 4; each uses one connection). */
  readonly maxConcurrentFlushes?: number;
  /** Retries of a transiently failed flush (default 3). */
  readonly maxRetries?: number;
  /** Backoff before retry n is `retryDelayMs * 2^(n-1)` (default 10). */
  readonly retryDelayMs?: number;
  /** Rows per page when reading (default 1000). */
  readonly readPageSize?: number;
  /** Where failures are logged (default: a pino logger named `eventlog`). */
  readonly logger?: StorageLogger;
  /** Fault injection for tests. */
  readonly faults?: EventLogFaults;
  /**
   * This process's node id (db/gameLeases.ts): when given, appends of games it does not own
   * are refused with {@link GameFencedError} (E8). Without it, every game is written (tests, tools).
   */
  readonly fenceNode?: string;
}

/** The flush holding this append failed (after any retries); nothing of it was written. */
export class EventAppendError extends StorageError {
  constructor(message: string, cause: unknown) {
    super("storage/append_failed", message, { cause });
    this.name = "EventAppendError";
  }
}

/** Another writer holds the game's next index (E6). Nothing of the append was written. */
export class EventIndexConflictError extends StorageError {
  constructor(
    readonly gameId: GameId,
    readonly firstIndex: number,
    cause?: unknown,
  ) {
    super(
      "storage/event_index_conflict",
      `game ${gameId}: event_index ${firstIndex} is already taken (a second writer?); appends are refused until forget()`,
      { cause },
    );
    this.name = "EventIndexConflictError";
  }
}

/**
 * Another process owns the game now (it claimed it after this process's lease expired, E8):
 * nothing of the append was written, and this process must stop hosting the game.
 */
export class GameFencedError extends StorageError {
  constructor(readonly gameId: GameId) {
    super("storage/game_fenced", `game ${gameId}: another process owns this game now; appends are refused`);
    this.name = "GameFencedError";
  }
}

/** The stored log of a game skips an index: the log is damaged. */
export class EventLogGapError extends StorageError {
  constructor(gameId: string, expected: number, found: number) {
    super("storage/event_log_gap", `game ${gameId}: expected event_index ${expected}, found ${found}`);
    this.name = "EventLogGapError";
  }
}

/** One `append` call waiting for its flush. */
interface PendingAppend {
  readonly gameId: GameId;
  readonly firstIndex: number;
  readonly rows: readonly EncodedEvent[];
  readonly resolve: (r: AppendResult) => void;
  readonly reject: (e: unknown) => void;
}

/** What the log knows about one game. */
interface GameCursor {
  /** The next index to hand out; -1 until seeded. */
  next: number;
  /** Settles when seeding finished. */
  ready: Promise<void>;
  /** Appends waiting for `ready` (later appends queue behind them to keep call order). */
  waiters: number;
  /** Set after a conflict (E6) or a fence (E8): appends are refused until forget(). */
  conflict: EventIndexConflictError | GameFencedError | undefined;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** JSON with sorted object keys, for comparing a stored payload with the one we wrote. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v === "object" && v !== null && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return v;
  });
}

/** The flush statement, prepared: it takes the batch as its one parameter, `rows`. */
type FlushStatement = ReturnType<typeof prepareFlush>;
type FencedFlushStatement = ReturnType<typeof prepareFencedFlush>;

/**
 * The flush statement: one multi-row INSERT whose rows arrive as a single JSON parameter
 * (`jsonb_to_recordset`), prepared once per log. The text never changes with the batch, so
 * PostgreSQL parses and plans it once per connection, and the client binds one parameter
 * whatever the batch size. (An unprepared statement cost about 100 µs more server CPU and
 * 100 µs more client CPU per flush; see `db/bench/flushCost.ts`.) Columns the batch does not
 * carry (`id`, `created_at`) get their schema defaults.
 */
function prepareFlush(db: Database) {
  return db.insert(gameEvents).select(flushSelect(sql``)).prepare("pzo_event_log_flush");
}

/**
 * The fenced flush statement (E8): the same INSERT, joined to the games this process owns, under
 * a key-share lock of the game row (a claim's FOR UPDATE skips a row so locked, and a flush that
 * meets a claim's lock waits for it and then re-checks the owner), returning
 * the game id of every row written so that a fenced game is told apart.
 */
function prepareFencedFlush(db: Database, nodeId: string) {
  const owned = sql`JOIN ${games} g ON g.id = x.game_id AND g.owner_node = ${nodeId} FOR KEY SHARE OF g`;
  return db.insert(gameEvents).select(flushSelect(owned)).returning({ gameId: gameEvents.gameId }).prepare("pzo_event_log_fenced_flush");
}

/** `SELECT <every column> FROM <the batch> <join>` for the flush statements. */
function flushSelect(join: SQL): SQL {
  const batch = sql`jsonb_to_recordset(${sql.placeholder("rows")}::jsonb) AS x(game_id uuid, event_index integer, type text, payload jsonb)`;
  const given: ReadonlySet<string> = new Set([gameEvents.gameId.name, gameEvents.eventIndex.name, gameEvents.type.name, gameEvents.payload.name]);
  // insert().select() lists every column of the table, in schema order.
  const select = Object.values(getTableColumns(gameEvents)).map((c): SQL => {
    if (given.has(c.name)) return sql`x.${sql.identifier(c.name)}`;
    if (is(c.default, SQL)) return c.default;
    throw new Error(`game_events.${c.name} is neither written by the event log nor has an SQL default`);
  });
  return sql`SELECT ${sql.join(select, sql`, `)} FROM ${batch} ${join}`;
}

/** The flush statement's parameter: the batch's rows as one JSON array. */
function batchRows(batch: readonly PendingAppend[]): string {
  const rows: { game_id: GameId; event_index: number; type: string; payload: Record<string, unknown> }[] = [];
  for (const p of batch) {
    for (const [i, r] of p.rows.entries()) rows.push({ game_id: p.gameId, event_index: p.firstIndex + i, type: r.type, payload: r.payload });
  }
  return JSON.stringify(rows);
}

/**
 * {@link EventLog} with group commit over a Drizzle {@link Database} (PostgreSQL or PGlite).
 * Create one per process (per database) and share it between every room.
 */
export class GroupCommitEventLog implements EventLog {
  private readonly maxBatch: number;
  private readonly maxWaitMs: number;
  private readonly idleFlush: boolean;
  private readonly maxConcurrent: number;
  private readonly maxRetries: number;
  private readonly retryDelayMs: number;
  /** Database-unavailable lines of this log: one a minute per message (src/platform/outageLog.ts). */
  private readonly outages = new OutageLog();
  private readonly pageSize: number;
  private readonly logger: StorageLogger;
  private readonly faults: EventLogFaults;
  private readonly insert: FlushStatement;
  private readonly fencedInsert: FencedFlushStatement | null;
  private readonly flushListeners = new Set<(report: FlushReport) => void>();

  private readonly cursors = new Map<GameId, GameCursor>();
  /** Appends not yet in a flush, in call order. */
  private queue: PendingAppend[] = [];
  private queuedEvents = 0;
  /** Games with a flush in flight (E7). */
  private readonly inFlightGames = new Set<GameId>();
  private inFlight = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private immediate: ReturnType<typeof setImmediate> | undefined;
  private closing = false;
  /** Appends past the closed check that are not queued yet (awaiting their seed). */
  private admitting = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly db: Database,
    options: GroupCommitOptions = {},
  ) {
    this.maxBatch = Math.max(1, options.maxBatch ?? 500);
    this.maxWaitMs = Math.max(0, options.maxWaitMs ?? 2);
    this.idleFlush = options.idleFlush ?? true;
    this.maxConcurrent = Math.max(1, options.maxConcurrentFlushes ?? 4);
    this.maxRetries = Math.max(0, options.maxRetries ?? 3);
    this.retryDelayMs = Math.max(0, options.retryDelayMs ?? 10);
    this.pageSize = Math.max(1, options.readPageSize ?? 1000);
    this.logger = options.logger ?? pino({ name: "eventlog" });
    this.faults = options.faults ?? {};
    this.insert = prepareFlush(db);
    this.fencedInsert = options.fenceNode === undefined ? null : prepareFencedFlush(db, options.fenceNode);
  }

  /** {@inheritDoc EventLog.append} */
  async append(gameId: GameId, events: readonly GameEvent[]): Promise<AppendResult> {
    if (this.closing) {
      throw new StorageError("storage/event_log_closed", "the event log is closed");
    }
    if (events.length === 0) {
      throw new RangeError("append needs at least one event");
    }
    const rows = events.map(encodeEvent);
    // Admitted before close(): close() waits for this append even while it awaits its seed.
    this.admitting++;
    let committed: Promise<AppendResult>;
    try {
      let cursor = this.cursors.get(gameId);
      if (cursor === undefined) {
        const fresh: GameCursor = { next: -1, ready: Promise.resolve(), waiters: 0, conflict: undefined };
        fresh.ready = this.seed(gameId, fresh);
        this.cursors.set(gameId, fresh);
        cursor = fresh;
      }
      if (cursor.next < 0 || cursor.waiters > 0) {
        cursor.waiters++;
        try {
          await cursor.ready;
        } finally {
          cursor.waiters--;
        }
      }
      if (cursor.conflict !== undefined) {
        throw cursor.conflict;
      }
      const firstIndex = cursor.next;
      cursor.next += rows.length;
      // The executor runs now: the append is queued before `admitting` drops.
      committed = new Promise<AppendResult>((resolve, reject) => {
        this.queue.push({ gameId, firstIndex, rows, resolve, reject });
        this.queuedEvents += rows.length;
      });
    } finally {
      this.admitting--;
      this.notifyIfIdle();
    }
    this.schedule();
    return committed;
  }

  /** {@inheritDoc EventLog.read} */
  async *read(gameId: GameId, fromIndex = 0): AsyncIterable<StoredEvent> {
    let expected = fromIndex;
    for (;;) {
      const page = await this.db
        .select({ eventIndex: gameEvents.eventIndex, type: gameEvents.type, payload: gameEvents.payload, createdAt: gameEvents.createdAt })
        .from(gameEvents)
        .where(and(eq(gameEvents.gameId, gameId), gte(gameEvents.eventIndex, expected)))
        .orderBy(asc(gameEvents.eventIndex))
        .limit(this.pageSize);
      for (const row of page) {
        if (row.eventIndex !== expected) {
          throw new EventLogGapError(gameId, expected, row.eventIndex);
        }
        yield { eventIndex: row.eventIndex, event: decodeEvent(gameId, row.eventIndex, row.type, row.payload), createdAt: row.createdAt };
        expected++;
      }
      if (page.length < this.pageSize) return;
    }
  }

  /** {@inheritDoc EventLog.readAll} */
  async readAll(gameId: GameId, fromIndex = 0): Promise<GameEvent[]> {
    const out: GameEvent[] = [];
    for await (const stored of this.read(gameId, fromIndex)) out.push(stored.event);
    return out;
  }

  /** {@inheritDoc EventLog.forget} */
  forget(gameId: GameId): void {
    const cursor = this.cursors.get(gameId);
    if (cursor === undefined) return;
    if (this.inFlightGames.has(gameId) || this.queue.some((p) => p.gameId === gameId) || cursor.waiters > 0) {
      throw new StorageError("storage/forget_busy", `game ${gameId} has appends in progress; forget it after they settle`);
    }
    this.cursors.delete(gameId);
  }

  /** {@inheritDoc EventLog.close} */
  async close(): Promise<void> {
    this.closing = true;
    this.kick();
    if (this.isIdle()) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private isIdle(): boolean {
    return this.inFlight === 0 && this.queue.length === 0 && this.admitting === 0;
  }

  /** Wakes close() once nothing is admitted, queued or in flight. */
  private notifyIfIdle(): void {
    if (!this.isIdle() || this.idleWaiters.length === 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  /** Reads the game's next index from the database (E1). */
  private async seed(gameId: GameId, cursor: GameCursor): Promise<void> {
    try {
      const rows = await this.db
        .select({ id: games.id, maxIndex: max(gameEvents.eventIndex) })
        .from(games)
        .leftJoin(gameEvents, eq(gameEvents.gameId, games.id))
        .where(eq(games.id, gameId))
        .groupBy(games.id);
      const row = rows[0];
      if (row === undefined) throw new GameNotFoundError(gameId);
      cursor.next = row.maxIndex === null ? 0 : row.maxIndex + 1;
    } catch (err) {
      // Forget the game so a later append seeds again.
      if (this.cursors.get(gameId) === cursor) this.cursors.delete(gameId);
      throw err;
    }
  }

  /**
   * Starts a flush now when a batch is full; with nothing in flight, on the next turn of the
   * event loop; otherwise makes sure the wait timer runs (a flush ending also sends the queue).
   */
  private schedule(): void {
    if (this.queuedEvents >= this.maxBatch || this.closing) {
      this.kick();
    } else if (this.idleFlush && this.inFlight === 0) {
      this.immediate ??= setImmediate(() => {
        this.immediate = undefined;
        this.kick();
      });
    } else if (this.timer === undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.kick();
      }, this.maxWaitMs);
    }
  }

  /** Starts as many flushes as the concurrency limit and per-game exclusivity allow. */
  private kick(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.immediate !== undefined) {
      clearImmediate(this.immediate);
      this.immediate = undefined;
    }
    while (this.inFlight < this.maxConcurrent && this.queue.length > 0) {
      const batch = this.takeBatch();
      if (batch.length === 0) break;
      this.inFlight++;
      void this.flush(batch).finally(() => {
        this.inFlight--;
        for (const p of batch) this.inFlightGames.delete(p.gameId);
        if (this.queue.length > 0) {
          // What queued meanwhile has waited a whole flush already: send it now.
          this.kick();
        }
        this.notifyIfIdle();
      });
    }
  }

  /** Removes the next batch from the queue: whole appends, in order, skipping busy games (E7). */
  private takeBatch(): PendingAppend[] {
    const batch: PendingAppend[] = [];
    const rest: PendingAppend[] = [];
    let events = 0;
    const busy = new Set(this.inFlightGames);
    for (const p of this.queue) {
      if (busy.has(p.gameId) || (events > 0 && events + p.rows.length > this.maxBatch)) {
        // Once one append of a game stays behind, the game's later appends must too.
        busy.add(p.gameId);
        rest.push(p);
        continue;
      }
      batch.push(p);
      events += p.rows.length;
    }
    for (const p of batch) this.inFlightGames.add(p.gameId);
    this.queue = rest;
    this.queuedEvents -= events;
    return batch;
  }

  /**
   * Calls `listener` after every flush settles (metrics). Returns the unsubscribe function. A
   * listener that throws is logged and never affects the appends.
   */
  onFlush(listener: (report: FlushReport) => void): () => void {
    this.flushListeners.add(listener);
    return () => void this.flushListeners.delete(listener);
  }

  /** Writes one batch with retries, then settles every append in it. Never throws. */
  private async flush(initial: PendingAppend[]): Promise<void> {
    const started = performance.now();
    const events = initial.reduce((n, p) => n + p.rows.length, 0);
    let attempts = 0;
    const committed = await this.flushAttempts(initial, () => (attempts += 1));
    if (this.flushListeners.size === 0) return;
    const report: FlushReport = { events, attempts, seconds: (performance.now() - started) / 1000, committed };
    for (const listener of this.flushListeners) {
      try {
        listener(report);
      } catch (err) {
        this.logger.warn({ err: pgErrorMessage(err) }, "event log flush listener failed");
      }
    }
  }

  /** The attempts of one flush; true when every append in it was committed. */
  private async flushAttempts(initial: PendingAppend[], countAttempt: () => void): Promise<boolean> {
    let batch = initial;
    let rejected = false;
    let rows = batchRows(batch);
    let lastError: unknown;
    for (let attempt = 1; attempt <= this.maxRetries + 1 && batch.length > 0; attempt++) {
      const info: FlushAttempt = {
        attempt,
        gameIds: [...new Set(batch.map((p) => p.gameId))],
        events: batch.reduce((n, p) => n + p.rows.length, 0),
      };
      try {
        countAttempt();
        await this.faults.beforeInsert?.(info);
        const fenced = await this.write(batch, rows);
        await this.faults.afterInsert?.(info);
        this.succeed(fenced.length === 0 ? batch : this.fence(batch, fenced));
        return !rejected && fenced.length === 0;
      } catch (err) {
        lastError = err;
        const unique = pgErrorCode(err) === SQLSTATE.uniqueViolation;
        if (!unique && (!isTransientPgError(err) || attempt > this.maxRetries)) break;
        if (!unique) {
          if (isDatabaseUnavailable(err)) this.outages.warn(this.logger, { attempt, gameIds: info.gameIds }, "event log flush failed (database unavailable); retrying", pgErrorMessage(err));
          else this.logger.warn({ err: pgErrorMessage(err), attempt, gameIds: info.gameIds }, "event log flush failed transiently; retrying");
          await sleep(this.retryDelayMs * 2 ** (attempt - 1));
        }
        // Did an earlier attempt commit after all, or does another writer hold some indexes?
        try {
          const { remaining, conflicts } = await this.settleCommitted(batch, err);
          if (conflicts > 0) rejected = true;
          batch = remaining;
          rows = batchRows(batch);
        } catch (checkErr) {
          lastError = checkErr;
          if (!isTransientPgError(checkErr) || attempt > this.maxRetries) break;
        }
      }
    }
    if (batch.length > 0) {
      this.fail(batch, lastError);
      return false;
    }
    return !rejected;
  }

  /**
   * Compares the batch with what the database holds. Appends already stored exactly as
   * written are resolved (an attempt committed after all); games with foreign rows at their
   * indexes are rejected as conflicts (E6). Returns the appends still to write.
   */
  private async settleCommitted(batch: PendingAppend[], cause: unknown): Promise<{ remaining: PendingAppend[]; conflicts: number }> {
    const ranges: SQL[] = [];
    for (const p of batch) {
      const range = and(
        eq(gameEvents.gameId, p.gameId),
        gte(gameEvents.eventIndex, p.firstIndex),
        lte(gameEvents.eventIndex, p.firstIndex + p.rows.length - 1),
      );
      if (range !== undefined) ranges.push(range);
    }
    const stored = await this.db
      .select({ gameId: gameEvents.gameId, eventIndex: gameEvents.eventIndex, type: gameEvents.type, payload: gameEvents.payload })
      .from(gameEvents)
      .where(or(...ranges));
    const byKey = new Map(stored.map((s) => [`${s.gameId}/${s.eventIndex}`, s]));
    const committed: PendingAppend[] = [];
    const conflicted = new Set<GameId>();
    const remaining: PendingAppend[] = [];
    for (const p of batch) {
      let same = 0;
      let foreign = 0;
      p.rows.forEach((r, i) => {
        const s = byKey.get(`${p.gameId}/${p.firstIndex + i}`);
        if (s === undefined) return;
        if (s.type === r.type && canonical(s.payload) === canonical(r.payload)) same++;
        else foreign++;
      });
      if (foreign === 0 && same === p.rows.length) committed.push(p);
      else if (foreign > 0 || same > 0) conflicted.add(p.gameId);
      else remaining.push(p);
    }
    this.succeed(committed);
    if (conflicted.size > 0) {
      const kept: PendingAppend[] = [];
      for (const p of remaining) (conflicted.has(p.gameId) ? [] : kept).push(p);
      const rejected = batch.filter((p) => conflicted.has(p.gameId) && !committed.includes(p));
      this.conflict(rejected, cause);
      return { remaining: kept, conflicts: rejected.length };
    }
    return { remaining, conflicts: 0 };
  }

  /** Runs the flush statement; returns the games of the batch it did not write (fenced, E8). */
  private async write(batch: readonly PendingAppend[], rows: string): Promise<GameId[]> {
    if (this.fencedInsert === null) {
      await this.insert.execute({ rows });
      return [];
    }
    const written = new Set((await this.fencedInsert.execute({ rows })).map((r) => r.gameId));
    const fenced = new Set<GameId>();
    for (const p of batch) if (!written.has(p.gameId)) fenced.add(p.gameId);
    return [...fenced];
  }

  /** E8: rejects the fenced games' appends (in the batch and queued); returns the batch's others. */
  private fence(batch: readonly PendingAppend[], fenced: readonly GameId[]): PendingAppend[] {
    for (const gameId of fenced) {
      const error = new GameFencedError(gameId);
      const cursor = this.cursors.get(gameId);
      if (cursor !== undefined) cursor.conflict = error;
      this.logger.warn({ gameId }, error.message);
      for (const p of batch) if (p.gameId === gameId) p.reject(error);
      this.dropQueued(gameId, error);
    }
    return batch.filter((p) => !fenced.includes(p.gameId));
  }

  private succeed(appends: readonly PendingAppend[]): void {
    for (const p of appends) p.resolve({ firstIndex: p.firstIndex, lastIndex: p.firstIndex + p.rows.length - 1 });
  }

  /** E6: reject the games' appends (in this batch and queued), refuse the games until forget(). */
  private conflict(appends: readonly PendingAppend[], cause: unknown): void {
    const first = new Map<GameId, number>();
    for (const p of appends) first.set(p.gameId, Math.min(first.get(p.gameId) ?? p.firstIndex, p.firstIndex));
    for (const [gameId, firstIndex] of first) {
      const error = new EventIndexConflictError(gameId, firstIndex, cause);
      const cursor = this.cursors.get(gameId);
      if (cursor !== undefined) cursor.conflict = error;
      this.logger.error({ gameId, firstIndex, err: pgErrorMessage(cause) }, error.message);
      for (const p of appends) if (p.gameId === gameId) p.reject(error);
      this.dropQueued(gameId, error);
    }
  }

  /** E4: reject the batch, roll each game's next index back to its first failed index. */
  private fail(batch: readonly PendingAppend[], cause: unknown): void {
    const first = new Map<GameId, number>();
    for (const p of batch) first.set(p.gameId, Math.min(first.get(p.gameId) ?? p.firstIndex, p.firstIndex));
    const fields = { gameIds: [...first.keys()], events: batch.reduce((n, p) => n + p.rows.length, 0) };
    // The database is down or restarting: the tables retry (issue 19, item 2); one line a minute.
    if (isDatabaseUnavailable(cause)) this.outages.warn(this.logger, fields, "event log flush failed (database unavailable); appends rejected, the tables retry", pgErrorMessage(cause));
    else this.logger.error({ ...fields, err: pgErrorMessage(cause) }, "event log flush failed; appends rejected");
    const error = new EventAppendError(`event log flush failed: ${pgErrorMessage(cause)}`, cause);
    for (const p of batch) p.reject(error);
    for (const [gameId, firstIndex] of first) {
      const cursor = this.cursors.get(gameId);
      if (cursor !== undefined && cursor.conflict === undefined) cursor.next = firstIndex;
      this.dropQueued(gameId, new EventAppendError(`an earlier append of game ${gameId} failed`, error));
    }
  }

  /** Rejects the game's queued appends: they were numbered after a failed one. */
  private dropQueued(gameId: GameId, error: unknown): void {
    const kept: PendingAppend[] = [];
    for (const p of this.queue) {
      if (p.gameId === gameId) {
        this.queuedEvents -= p.rows.length;
        p.reject(error);
      } else {
        kept.push(p);
      }
    }
    this.queue = kept;
  }
}
