/**
 * Contract suite of the event log (guarantees E1-E7 in eventLog.ts), run against every
 * available backend in the same run: PGlite always, PostgreSQL when DATABASE_URL is set.
 */
import { and, asc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evolve, fold, lifetimeDeltas, summarize, type GameEvent, type GameId, type GameState, type SeatOccupant } from "../src/game/index.js";
import { completeGame } from "./completion.js";
import { testBackends, type TestDatabase } from "../test/support/db.js";
import { encodeEvent } from "./eventCodec.js";
import {
  EventAppendError,
  EventIndexConflictError,
  EventLogGapError,
  GroupCommitEventLog,
  type EventLogFaults,
  type FlushReport,
  type GroupCommitOptions,
  type StorageLogger,
} from "./eventLog.js";
import { GameNotFoundError } from "./errors.js";
import { pgErrorCode } from "./pgError.js";
import { createGame, markStarted } from "./games.js";
import { loadInProgressGames, restoreInProgressGames } from "./testing/restore.js";
import { gameEvents } from "./schema/gameEvents.js";
import { chunkEvents, createOccupants, gameIdFor, playGame, type PlayedGame } from "./testing/fixtures.js";

/** A logger that remembers what it was told. */
function captureLogger(): StorageLogger & { readonly lines: { level: "warn" | "error"; msg: string; obj: object }[] } {
  const lines: { level: "warn" | "error"; msg: string; obj: object }[] = [];
  return {
    lines,
    warn: (obj, msg) => lines.push({ level: "warn", msg, obj }),
    error: (obj, msg) => lines.push({ level: "error", msg, obj }),
  };
}

/** An error shaped like a lost connection (SQLSTATE 08006). */
function connectionLost(): Error {
  return Object.assign(new Error("connection lost (injected)"), { code: "08006" });
}

describe.each(testBackends())("event log contract on $name", (backend) => {
  let t: TestDatabase;
  let occupants: SeatOccupant[];
  const logs: GroupCommitEventLog[] = [];

  const newLog = (options: GroupCommitOptions = {}): GroupCommitEventLog => {
    const log = new GroupCommitEventLog(t.db, { logger: captureLogger(), ...options });
    logs.push(log);
    return log;
  };

  /** Plays a game with the engine and creates it in the database (event 0 written). */
  const setUp = async (label: string, seats = 4): Promise<PlayedGame> => {
    const played = playGame(`${backend.name}:${label}`, occupants.slice(0, seats));
    const created = played.events[0];
    if (created?.type !== "game_created") throw new Error("fixture: first event is not game_created");
    await createGame(t.db, { created });
    return played;
  };

  /** Every stored (index, type, payload) of a game, straight from the table. */
  const storedIndexes = async (gameId: GameId): Promise<number[]> => {
    const rows = await t.db.select({ i: gameEvents.eventIndex }).from(gameEvents).where(eq(gameEvents.gameId, gameId)).orderBy(asc(gameEvents.eventIndex));
    return rows.map((r) => r.i);
  };
  const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

  beforeAll(async () => {
    t = await backend.create();
    occupants = await createOccupants(t.db, `el-${backend.name}`, 5, 1);
  });
  afterAll(async () => {
    for (const log of logs) await log.close();
    await t.close();
  });

  it("E1/E2: 50 games appending concurrently get gapless, strictly increasing indexes", async () => {
    const log = newLog({ maxBatch: 500, maxWaitMs: 2 });
    const played = await Promise.all(range(50).map((i) => setUp(`concurrent-${i}`, 3 + (i % 3))));
    const results = await Promise.all(
      played.map(async (game) => {
        const seen: { firstIndex: number; lastIndex: number; size: number }[] = [];
        // Like a room: one writer per game, each append awaited before the next.
        for (const chunk of chunkEvents(game.events.slice(1), game.gameId)) {
          const r = await log.append(game.gameId, chunk);
          seen.push({ ...r, size: chunk.length });
        }
        return seen;
      }),
    );
    for (const [g, game] of played.entries()) {
      let expected = 1;
      for (const r of results[g] ?? []) {
        expect(r.firstIndex).toBe(expected);
        expect(r.lastIndex).toBe(expected + r.size - 1);
        expected = r.lastIndex + 1;
      }
      expect(await storedIndexes(game.gameId)).toEqual(range(game.events.length));
      expect(await log.readAll(game.gameId)).toEqual(game.events);
    }
  });

  it("E1: appends issued together for one game keep call order, also before the counter is seeded", async () => {
    const game = await setUp("pipelined");
    const log = newLog({ maxWaitMs: 1, maxBatch: 7 });
    const chunks = chunkEvents(game.events.slice(1, 60), "pipelined");
    const results = await Promise.all(chunks.map((c) => log.append(game.gameId, c)));
    let expected = 1;
    for (const [i, r] of results.entries()) {
      expect(r.firstIndex).toBe(expected);
      expected += chunks[i]?.length ?? 0;
    }
    expect(await log.readAll(game.gameId)).toEqual(game.events.slice(0, 60));
  });

  it("idle flush: appends made in one turn share one flush, sent without waiting maxWaitMs when none is in flight", async () => {
    const played = await Promise.all(range(5).map((i) => setUp(`idle-${i}`)));
    // A wait longer than the test's timeout: were the flush to wait for it, the test would fail.
    const log = newLog({ maxWaitMs: 120_000, maxBatch: 500 });
    const reports: FlushReport[] = [];
    log.onFlush((r) => reports.push(r));
    // Seed every game's counter first (its first append reads MAX(event_index) once).
    await Promise.all(played.map((g) => log.append(g.gameId, g.events.slice(1, 2))));
    reports.length = 0;
    const results = await Promise.all(played.map((g) => log.append(g.gameId, g.events.slice(2, 5))));
    for (const r of results) expect(r).toEqual({ firstIndex: 2, lastIndex: 4 });
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ events: 15, attempts: 1, committed: true });
    for (const g of played) expect(await storedIndexes(g.gameId)).toEqual(range(5));
  });

  it("onFlush reports each settled flush: its events, its attempts, and whether every append committed", async () => {
    const game = await setUp("reports");
    let failures = 0;
    const faults: EventLogFaults = {
      beforeInsert: () => {
        if (failures > 0) {
          failures -= 1;
          throw connectionLost();
        }
      },
    };
    const log = newLog({ faults, maxRetries: 2, retryDelayMs: 1 });
    const reports: FlushReport[] = [];
    const unsubscribe = log.onFlush((r) => reports.push(r));
    log.onFlush(() => {
      throw new Error("a broken listener changes nothing");
    });
    await log.append(game.gameId, game.events.slice(1, 3));
    failures = 1;
    await log.append(game.gameId, game.events.slice(3, 4));
    failures = 3;
    await expect(log.append(game.gameId, game.events.slice(4, 6))).rejects.toBeInstanceOf(EventAppendError);
    expect(reports.map(({ events, attempts, committed }) => ({ events, attempts, committed }))).toEqual([
      { events: 2, attempts: 1, committed: true },
      { events: 1, attempts: 2, committed: true },
      { events: 2, attempts: 3, committed: false },
    ]);
    for (const r of reports) expect(r.seconds).toBeGreaterThanOrEqual(0);
    unsubscribe();
    await log.append(game.gameId, game.events.slice(4, 5));
    expect(reports).toHaveLength(3);
    expect(await storedIndexes(game.gameId)).toEqual(range(5));
  });

  it("E4: an injected flush failure rejects every append in it, leaves no gap or duplicate, and the next append is fine", async () => {
    const games = await Promise.all(range(3).map((i) => setUp(`inject-${i}`)));
    let failNext = false;
    const faults: EventLogFaults = {
      beforeInsert: () => {
        if (failNext) {
          failNext = false;
          throw new Error("injected flush failure");
        }
      },
    };
    const logger = captureLogger();
    const log = newLog({ maxWaitMs: 5, faults, logger });
    const at = (g: PlayedGame, from: number, to: number): GameEvent[] => g.events.slice(from, to);
    await Promise.all(games.map((g) => log.append(g.gameId, at(g, 1, 4))));

    failNext = true;
    const failed = await Promise.allSettled(games.map((g) => log.append(g.gameId, at(g, 4, 6))));
    for (const r of failed) {
      expect(r.status).toBe("rejected");
      if (r.status === "rejected") {
        expect(r.reason).toBeInstanceOf(EventAppendError);
        expect((r.reason as EventAppendError).code).toBe("storage/append_failed");
      }
    }
    expect(logger.lines.some((l) => l.level === "error")).toBe(true);
    for (const g of games) expect(await storedIndexes(g.gameId)).toEqual(range(4));

    // The counters rolled back: the same events go to the same indexes, then the log goes on.
    const retried = await Promise.all(games.map((g) => log.append(g.gameId, at(g, 4, 6))));
    for (const r of retried) expect(r).toEqual({ firstIndex: 4, lastIndex: 5 });
    await Promise.all(games.map((g) => log.append(g.gameId, at(g, 6, 9))));
    for (const g of games) {
      expect(await storedIndexes(g.gameId)).toEqual(range(9));
      expect(await log.readAll(g.gameId)).toEqual(at(g, 0, 9));
    }
  });

  it("E4: appends of a game queued behind a failed flush are rejected too (they built on it)", async () => {
    const game = await setUp("queued-behind");
    let release: () => void = () => undefined;
    let entered: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const inHook = new Promise<void>((r) => (entered = r));
    let armed = true;
    const log = newLog({
      maxWaitMs: 0,
      faults: {
        beforeInsert: async () => {
          if (!armed) return;
          armed = false;
          entered();
          await gate;
          throw new Error("injected flush failure");
        },
      },
    });
    const first = log.append(game.gameId, game.events.slice(1, 3));
    await inHook;
    const second = log.append(game.gameId, game.events.slice(3, 5));
    release();
    await expect(first).rejects.toBeInstanceOf(EventAppendError);
    await expect(second).rejects.toBeInstanceOf(EventAppendError);
    expect(await log.append(game.gameId, game.events.slice(1, 3))).toEqual({ firstIndex: 1, lastIndex: 2 });
    expect(await storedIndexes(game.gameId)).toEqual(range(3));
  });

  it("E5: a transient failure is retried and the append commits once", async () => {
    const game = await setUp("transient");
    let failures = 2;
    const logger = captureLogger();
    const log = newLog({
      logger,
      retryDelayMs: 1,
      faults: {
        beforeInsert: () => {
          if (failures > 0) {
            failures--;
            throw connectionLost();
          }
        },
      },
    });
    expect(await log.append(game.gameId, game.events.slice(1, 4))).toEqual({ firstIndex: 1, lastIndex: 3 });
    // A lost connection is the database being unavailable: its retries are logged at warn, at most
    // one line a minute per log (issue 19: a restart must not flood the log).
    expect(logger.lines.filter((l) => l.level === "warn")).toHaveLength(1);
    expect(await storedIndexes(game.gameId)).toEqual(range(4));
  });

  it("E5: a connection lost after COMMIT is detected on retry, never written twice", async () => {
    const game = await setUp("ambiguous");
    let lost = true;
    const log = newLog({
      retryDelayMs: 1,
      faults: {
        afterInsert: () => {
          if (lost) {
            lost = false;
            throw connectionLost();
          }
        },
      },
    });
    expect(await log.append(game.gameId, game.events.slice(1, 5))).toEqual({ firstIndex: 1, lastIndex: 4 });
    expect(await log.append(game.gameId, game.events.slice(5, 6))).toEqual({ firstIndex: 5, lastIndex: 5 });
    expect(await storedIndexes(game.gameId)).toEqual(range(6));
    expect(await log.readAll(game.gameId)).toEqual(game.events.slice(0, 6));
  });

  it("E5: retries are bounded: a failure that persists rejects the append and rolls back", async () => {
    const game = await setUp("persistent");
    let down = true;
    const log = newLog({
      maxRetries: 2,
      retryDelayMs: 1,
      faults: {
        beforeInsert: () => {
          if (down) throw connectionLost();
        },
      },
    });
    await expect(log.append(game.gameId, game.events.slice(1, 3))).rejects.toBeInstanceOf(EventAppendError);
    down = false;
    expect(await log.append(game.gameId, game.events.slice(1, 3))).toEqual({ firstIndex: 1, lastIndex: 2 });
  });

  it("E6: a unique violation fails loudly, is never renumbered, and spares other games in the flush", async () => {
    const victim = await setUp("conflict-victim");
    const bystander = await setUp("conflict-bystander");
    const logger = captureLogger();
    const log = newLog({ logger, maxWaitMs: 5 });
    await log.append(victim.gameId, victim.events.slice(1, 3));
    // A second writer takes index 3 behind the log's back.
    const foreign = encodeEvent(victim.events[5] ?? victim.events[1] ?? victim.events[0]!);
    await t.db.insert(gameEvents).values({ gameId: victim.gameId, eventIndex: 3, type: foreign.type, payload: foreign.payload });

    const [v, b] = await Promise.allSettled([
      log.append(victim.gameId, victim.events.slice(3, 5)),
      log.append(bystander.gameId, bystander.events.slice(1, 4)),
    ]);
    expect(v.status).toBe("rejected");
    if (v.status === "rejected") {
      expect(v.reason).toBeInstanceOf(EventIndexConflictError);
      expect((v.reason as EventIndexConflictError).code).toBe("storage/event_index_conflict");
    }
    expect(b).toEqual({ status: "fulfilled", value: { firstIndex: 1, lastIndex: 3 } });
    expect(logger.lines.some((l) => l.level === "error" && l.msg.includes("already taken"))).toBe(true);
    // Not renumbered: index 4 stays free, and the game is refused until forget().
    expect(await storedIndexes(victim.gameId)).toEqual(range(4));
    await expect(log.append(victim.gameId, victim.events.slice(3, 5))).rejects.toBeInstanceOf(EventIndexConflictError);
    log.forget(victim.gameId);
    expect(await log.append(victim.gameId, victim.events.slice(4, 5))).toEqual({ firstIndex: 4, lastIndex: 4 });
  });

  it("reads page by page from any index, and rejects unknown games", async () => {
    const game = await setUp("paging");
    const log = newLog({ readPageSize: 7 });
    await log.append(game.gameId, game.events.slice(1, 40));
    expect(await log.readAll(game.gameId)).toEqual(game.events.slice(0, 40));
    expect(await log.readAll(game.gameId, 12)).toEqual(game.events.slice(12, 40));
    const indexes: number[] = [];
    for await (const stored of log.read(game.gameId, 30)) indexes.push(stored.eventIndex);
    expect(indexes).toEqual(range(10).map((i) => i + 30));
    await expect(log.append(gameIdFor("no-such-game"), game.events.slice(1, 2))).rejects.toBeInstanceOf(GameNotFoundError);
    await expect(log.append(game.gameId, [])).rejects.toBeInstanceOf(RangeError);
  });

  it("close() flushes what is queued and refuses later appends", async () => {
    const game = await setUp("closing");
    const log = newLog({ maxWaitMs: 1000, maxBatch: 10_000 });
    // The first append still awaits its seed query when close() starts; the second is queued.
    const pending = log.append(game.gameId, game.events.slice(1, 3));
    await log.close();
    expect(await pending).toEqual({ firstIndex: 1, lastIndex: 2 });
    const other = await setUp("closing-queued");
    const log2 = newLog({ maxWaitMs: 5000, maxBatch: 10_000 });
    const first = log2.append(other.gameId, other.events.slice(1, 2));
    const second = log2.append(other.gameId, other.events.slice(2, 4));
    await new Promise((r) => setTimeout(r, 20));
    const started = performance.now();
    await log2.close();
    // Flushed by close(), not by the 5 s timer.
    expect(performance.now() - started).toBeLessThan(4000);
    expect(await first).toEqual({ firstIndex: 1, lastIndex: 1 });
    expect(await second).toEqual({ firstIndex: 2, lastIndex: 3 });
    await expect(log.append(game.gameId, game.events.slice(3, 4))).rejects.toThrow(/closed/);
  });

  it("restore equals the live state: fold of the read log is the state the writer held", async () => {
    const writer = newLog({ maxWaitMs: 2 });
    let failNext = false;
    const flaky = newLog({
      maxWaitMs: 2,
      faults: {
        beforeInsert: () => {
          if (failNext) {
            failNext = false;
            throw new Error("injected flush failure");
          }
        },
      },
    });
    const live = new Map<GameId, GameState>();
    const played = await Promise.all(range(6).map((i) => setUp(`restore-${i}`, 3 + (i % 3))));
    await Promise.all(
      played.map(async (game, g) => {
        const log = g % 2 === 0 ? writer : flaky;
        const first = game.events[0];
        if (first === undefined) throw new Error("fixture: empty game");
        let state = evolve(null, first);
        // Stop each game at a different point, mid-game.
        const stopAt = 20 + g * 37;
        let startedMarked = false;
        for (const [c, chunk] of chunkEvents(game.events.slice(1, stopAt), `restore-${g}`).entries()) {
          if (log === flaky && c === 5) failNext = true;
          // A rejected append never reaches the writer's state, as in a room; the room decides
          // again from the same state, which yields the same events. Three games share the
          // flaky log, so a retry can land in the flush another game's failure was set for:
          // retry a few times, as a player re-sends a move that was refused.
          for (let attempt = 1; ; attempt++) {
            try {
              await log.append(game.gameId, chunk);
              break;
            } catch (err) {
              if (attempt >= 4) throw err;
            }
          }
          for (const e of chunk) state = evolve(state, e);
          if (!startedMarked && state.phase !== "waiting") {
            await markStarted(t.db, game.gameId, new Date());
            startedMarked = true;
          }
        }
        live.set(game.gameId, state);
      }),
    );
    // A completed game and a game that never started are not restored.
    const done = await setUp("restore-completed");
    await writer.append(done.gameId, done.events.slice(1));
    await markStarted(t.db, done.gameId, new Date());
    await completeGame(t.db, { gameId: done.gameId, completedAt: new Date(), summary: summarize(done.state), deltas: lifetimeDeltas(done.state) });
    await setUp("restore-created");

    // A restart: a new event log with nothing in memory.
    const restarted = newLog();
    const loaded = await loadInProgressGames(t.db, restarted);
    const mine = loaded.filter((l) => live.has(l.game.id));
    expect(mine).toHaveLength(played.length);
    for (const l of mine) expect(fold(l.events)).toEqual(live.get(l.game.id));
    expect(loaded.some((l) => l.game.id === done.gameId)).toBe(false);

    const { restored, failed } = await restoreInProgressGames(t.db, restarted);
    expect(failed).toEqual([]);
    for (const r of restored.filter((x) => live.has(x.game.id))) {
      expect(r.state).toEqual(live.get(r.game.id));
      // The restarted log continues each game exactly where the writer stopped.
      const next = played.find((p) => p.gameId === r.game.id)?.events[r.state.eventCount];
      if (next !== undefined) expect((await restarted.append(r.game.id, [next])).firstIndex).toBe(r.state.eventCount);
    }
  });

  it("integrity: an orphaned event is rejected by the foreign key", async () => {
    const e = encodeEvent({ _v: 1, type: "player_left", seat: 0, playerId: occupants[0]!.playerId, reason: "left" });
    await expect(
      t.db.insert(gameEvents).values({ gameId: gameIdFor("orphan"), eventIndex: 0, type: e.type, payload: e.payload }),
    ).rejects.toSatisfy((err: unknown) => pgErrorCode(err) === "23503");
  });

  it("integrity: (game_id, event_index) is unique", async () => {
    const game = await setUp("unique");
    const e = encodeEvent(game.events[0]!);
    await expect(
      t.db.insert(gameEvents).values({ gameId: game.gameId, eventIndex: 0, type: e.type, payload: e.payload }),
    ).rejects.toSatisfy((err: unknown) => pgErrorCode(err) === "23505");
  });

  it("a damaged log fails loudly on read (gap, or a payload that is not an event)", async () => {
    const game = await setUp("damaged");
    const log = newLog();
    const e = encodeEvent(game.events[2]!);
    await t.db.insert(gameEvents).values({ gameId: game.gameId, eventIndex: 2, type: e.type, payload: e.payload });
    await expect(log.readAll(game.gameId)).rejects.toBeInstanceOf(EventLogGapError);
    const other = await setUp("damaged-payload");
    await t.db.insert(gameEvents).values({ gameId: other.gameId, eventIndex: 1, type: "bid_placed", payload: { _v: 1, seat: "x" } });
    await expect(log.readAll(other.gameId)).rejects.toThrow(/not a valid game event/);
    expect(await t.db.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(gameEvents).where(and(eq(gameEvents.gameId, other.gameId)))).toEqual([{ n: 2 }]);
  });
});

