/**
 * The table's command pipeline without a server: decide -> append -> evolve -> completion ->
 * timers -> publish -> follow-ups, in order, one command at a time, nothing shown before the
 * append resolves.
 */
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import * as engine from "../../src/game/index.js";
import { newGame, startedGame, testJoin } from "../../src/game/testing/testkit.js";
import type { Command, GameEvent, GameState } from "../../src/game/types.js";
import { CommandPipeline, type PipelinePorts } from "./commandPipeline.js";

/** A pipeline over an in-memory log whose appends resolve when the test says so. */
function harness(game: GameState, options: { readonly firstIndexOffset?: number } = {}) {
  const trace: string[] = [];
  const log: GameEvent[][] = [];
  const pendingAppends: (() => void)[] = [];
  let committed = game.eventCount;
  const ports: PipelinePorts = {
    engine,
    eventLog: {
      append: (_gameId, events) =>
        new Promise((resolve) => {
          trace.push(`append ${events.map((e) => e.type).join(",")}`);
          pendingAppends.push(() => {
            log.push([...events]);
            const firstIndex = committed + (options.firstIndexOffset ?? 0);
            committed += events.length;
            trace.push("committed");
            resolve({ firstIndex, lastIndex: firstIndex + events.length - 1 });
          });
        }),
      forget: (gameId) => void trace.push(`forget ${gameId}`),
    },
    completion: { handOff: (state) => Promise.resolve(trace.push(`complete ${state.phase}`)) },
    timers: { rearm: (state) => trace.push(`timer ${state.turn ?? "none"}`) },
    publisher: { publish: (events, firstIndex) => trace.push(`publish ${firstIndex}:${events.map((e) => e.type).join(",")}`) },
    afterPublish: (events) => Promise.resolve(void trace.push(`after ${events.length}`)),
    metrics: { commandApplied: (type) => trace.push(`metric ${type}`) },
    log: pino({ enabled: false }),
  };
  const commit = async (): Promise<void> => {
    while (pendingAppends.length === 0) await new Promise((r) => setImmediate(r));
    pendingAppends.shift()?.();
  };
  return { pipeline: new CommandPipeline(game, ports), trace, log, commit };
}

describe("table command pipeline", () => {
  it("a legal command: append, then (only after the commit) evolve, timers, publish, follow-ups; the result names the last event's index", async () => {
    const h = harness(newGame(3).state);
    const join: Command = testJoin(0);
    const outcome = h.pipeline.submit(join);
    await h.commit();
    expect(await outcome).toEqual({ ok: true, eventIndex: 1 });
    expect(h.trace).toEqual(["append player_joined", "committed", "metric join", "timer none", "publish 1:player_joined", "after 1"]);
    expect(h.pipeline.state.seats[0]?.occupant?.playerId).toBe("p0");
  });

  it("nothing is published before the append resolves", async () => {
    const h = harness(newGame(3).state);
    const outcome = h.pipeline.submit(testJoin(0));
    await new Promise((r) => setImmediate(r));
    expect(h.trace).toEqual(["append player_joined"]);
    expect(h.pipeline.state.seats[0]?.occupant).toBeNull();
    await h.commit();
    await outcome;
    expect(h.trace).toContain("publish 1:player_joined");
  });

  it("a rejected command changes nothing and appends nothing", async () => {
    const h = harness(startedGame(3).state);
    const before = h.pipeline.state;
    const seatNotToMove = ((before.turn ?? 0) + 1) % 3;
    expect(await h.pipeline.submit({ type: "bid", seat: seatNotToMove, bid: 0 })).toMatchObject({ ok: false, code: "rules/not_your_turn" });
    expect(h.pipeline.state).toBe(before);
    expect(h.trace).toEqual([]);
  });

  it("commands apply strictly in order: the second waits for the first's commit", async () => {
    const h = harness(newGame(3).state);
    const first = h.pipeline.submit(testJoin(0));
    const second = h.pipeline.submit(testJoin(1));
    await new Promise((r) => setImmediate(r));
    expect(h.trace.filter((t) => t.startsWith("append"))).toHaveLength(1);
    await h.commit();
    await h.commit();
    expect(await first).toEqual({ ok: true, eventIndex: 1 });
    expect(await second).toEqual({ ok: true, eventIndex: 2 });
    expect(h.log.map((events) => events.map((e) => e.type))).toEqual([["player_joined"], ["player_joined"]]);
  });

  it("a second writer (the log's index disagrees) throws before anything is shown", async () => {
    const h = harness(newGame(3).state, { firstIndexOffset: 1 });
    const outcome = h.pipeline.submit(testJoin(0));
    await h.commit();
    await expect(outcome).rejects.toThrow("event index mismatch");
    expect(h.trace.some((t) => t.startsWith("publish"))).toBe(false);
    expect(h.pipeline.state.seats[0]?.occupant).toBeNull();
    // The queue goes on after a failed task.
    const next = h.pipeline.submit({ type: "start" });
    expect(await next).toMatchObject({ ok: false });
  });

  it("close waits for queued commands, then lets the event log forget the game", async () => {
    const h = harness(newGame(3).state);
    const outcome = h.pipeline.submit(testJoin(0));
    const closed = h.pipeline.close();
    await h.commit();
    await closed;
    await outcome;
    expect(h.trace.slice(-2)).toEqual(["after 1", "forget g-test"]);
  });

  it("after stop, commands are refused with server/shutting_down and nothing is appended", async () => {
    const h = harness(newGame(3).state);
    h.pipeline.stop();
    expect(await h.pipeline.submit(testJoin(0))).toEqual({ ok: false, code: "server/shutting_down", message: "the server is shutting down" });
    expect(h.trace).toEqual([]);
  });
});

describe("table command pipeline: completion", () => {
  it("the game's last move hands it to the completion before it is published", async () => {
    let game = startedGame(3).state;
    // Play the first legal move until one move remains.
    const moves: Command[] = [];
    for (;;) {
      const seat = game.turn;
      if (seat === null) break;
      const command: Command =
        game.phase === "bidding" ? { type: "bid", seat, bid: engine.legalBids(game, seat)[0] ?? 0 } : { type: "play", seat, card: engine.legalCards(game, seat)[0]! };
      const decision = engine.decide(game, command);
      if (!decision.ok) throw new Error(decision.rejection.code);
      if (decision.events.some((e) => e.type === "game_completed")) {
        moves.push(command);
        break;
      }
      for (const event of decision.events) game = engine.evolve(game, event);
    }
    const h = harness(game);
    const outcome = h.pipeline.submit(moves[0]!);
    await h.commit();
    expect(await outcome).toMatchObject({ ok: true });
    const complete = h.trace.indexOf("complete completed");
    expect(complete).toBeGreaterThan(h.trace.indexOf("committed"));
    expect(complete).toBeLessThan(h.trace.findIndex((t) => t.startsWith("publish")));
  });
});

describe("table command pipeline: storage outages (issue 19)", () => {
  /** A log whose first `failures` appends fail with nothing written, then commit at once. */
  function flaky(game: GameState, failures: number, overrides: Partial<PipelinePorts> = {}) {
    let calls = 0;
    let committed = game.eventCount;
    const slept: number[] = [];
    let clock = 0;
    const ports: PipelinePorts = {
      engine,
      eventLog: {
        append: (_gameId, events) => {
          calls += 1;
          if (calls <= failures) return Promise.reject(Object.assign(new Error("connection refused"), { code: "storage/append_failed" }));
          const firstIndex = committed;
          committed += events.length;
          return Promise.resolve({ firstIndex, lastIndex: firstIndex + events.length - 1 });
        },
        forget: () => undefined,
      },
      completion: { handOff: () => Promise.resolve() },
      timers: { rearm: () => undefined },
      publisher: { publish: () => undefined },
      afterPublish: () => Promise.resolve(),
      metrics: { commandApplied: () => undefined },
      log: pino({ enabled: false }),
      appendRetry: {
        giveUpMs: 2_000,
        delayMs: (attempt) => Math.min(500, 100 * 2 ** (attempt - 1)),
        sleep: (ms) => {
          slept.push(ms);
          clock += ms;
          return Promise.resolve();
        },
        now: () => clock,
      },
      ...overrides,
    };
    return { pipeline: new CommandPipeline(game, ports), calls: () => calls, slept };
  }

  it("an append that failed with nothing written is made again (100, 200, 400, then 500 ms apart) and acknowledged once durable", async () => {
    const h = flaky(newGame(3).state, 5);
    expect(await h.pipeline.submit(testJoin(0))).toEqual({ ok: true, eventIndex: 1 });
    expect(h.calls()).toBe(6);
    expect(h.slept).toEqual([100, 200, 400, 500, 500]);
  });

  it("storage down for the whole window: refused with server/storage_unavailable, nothing applied", async () => {
    const h = flaky(newGame(3).state, 1_000);
    const before = h.pipeline.state;
    expect(await h.pipeline.submit(testJoin(0))).toMatchObject({ ok: false, code: "server/storage_unavailable" });
    expect(h.pipeline.state).toBe(before);
    expect(h.slept.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(2_000);
  });

  it("a failure that is not retryable (a conflict) is not retried: the command rejects", async () => {
    const h = flaky(newGame(3).state, 0, {
      eventLog: { append: () => Promise.reject(Object.assign(new Error("taken"), { code: "storage/event_index_conflict" })), forget: () => undefined },
    });
    await expect(h.pipeline.submit(testJoin(0))).rejects.toThrow("taken");
  });

  it("a committed command is answered ok even when its follow-ups fail (listing, publish)", async () => {
    const h = flaky(newGame(3).state, 0, {
      afterPublish: () => Promise.reject(new Error("Command timed out")),
      timers: {
        rearm: () => {
          throw new Error("boom");
        },
      },
    });
    expect(await h.pipeline.submit(testJoin(0))).toEqual({ ok: true, eventIndex: 1 });
    expect(h.pipeline.state.seats[0]?.occupant?.playerId).toBe("p0");
  });

  it("a stopped pipeline (shutdown) stops retrying: refused, nothing applied", async () => {
    const h = flaky(newGame(3).state, 1_000);
    const outcome = h.pipeline.submit(testJoin(0));
    h.pipeline.stop();
    expect(await outcome).toMatchObject({ ok: false });
    expect(h.calls()).toBeLessThanOrEqual(2);
  });

  it("a fenced append (another process owns the game): the command is refused with server/table_moved, the table is told once, later commands refused without appending", async () => {
    let told = 0;
    let appends = 0;
    const fenced = Object.assign(new Error("fenced"), { code: "storage/game_fenced" });
    const pipeline = new CommandPipeline(newGame(3).state, {
      engine,
      eventLog: { append: () => ((appends += 1), Promise.reject(fenced)), forget: () => undefined },
      completion: { handOff: () => Promise.resolve() },
      timers: { rearm: () => undefined },
      publisher: { publish: () => undefined },
      afterPublish: () => Promise.resolve(),
      metrics: { commandApplied: () => undefined },
      log: pino({ enabled: false }),
      onFenced: () => void (told += 1),
    });
    const before = pipeline.state;
    expect(await pipeline.submit(testJoin(0))).toMatchObject({ ok: false, code: "server/table_moved" });
    expect(await pipeline.submit(testJoin(1))).toMatchObject({ ok: false, code: "server/table_moved" });
    expect(pipeline.state).toBe(before);
    expect([told, appends]).toEqual([1, 1]);
  });
});
