/**
 * The completion pipeline (src/completion/pipeline.ts, rules P1-P3) over the real database
 * participants (db/completion.ts), on every available backend in the same run: PGlite always,
 * PostgreSQL when DATABASE_URL is set.
 */
import { asc, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lifetimeDeltas, summarize, type PlayerId, type SeatOccupant } from "../src/game/index.js";
import { register, type CompletionParticipant, type FinishedGame } from "../src/completion/pipeline.js";
import type { LadderChange } from "../src/ladder/ladderChange.js";
import { testBackends, type TestDatabase } from "../test/support/db.js";
import type { Transaction } from "./client.js";
import { createGameCompletion, type LifetimeStatsReader } from "./completion.js";
import { createGame, getGame, markStarted } from "./games.js";
import { gameSummaries, ladderEntries, playerLifetimeStats, scoreEvents } from "./schema/index.js";
import { createOccupants, playGame } from "./testing/fixtures.js";

const silent = { error: () => undefined };

describe.each(testBackends())("completion pipeline on $name", (backend) => {
  let t: TestDatabase;
  let humans: SeatOccupant[];
  let bots: SeatOccupant[];

  const finishedGame = async (label: string): Promise<FinishedGame> => {
    const played = playGame(`${backend.name}:pipeline:${label}`, [humans[0]!, humans[1]!, bots[0]!, humans[2]!]);
    const created = played.events[0];
    if (created?.type !== "game_created") throw new Error("fixture: first event is not game_created");
    await createGame(t.db, { created });
    await markStarted(t.db, played.gameId, new Date());
    return { gameId: played.gameId, completedAt: new Date(), summary: summarize(played.state), deltas: lifetimeDeltas(played.state) };
  };

  const snapshot = async (playerIds: readonly PlayerId[]) => ({
    stats: await t.db.select().from(playerLifetimeStats).where(inArray(playerLifetimeStats.playerId, [...playerIds])).orderBy(asc(playerLifetimeStats.playerId)),
    ladder: await t.db.select().from(ladderEntries).where(inArray(ladderEntries.playerId, [...playerIds])).orderBy(asc(ladderEntries.playerId), asc(ladderEntries.tier)),
    scoreEvents: await t.db.select().from(scoreEvents).where(inArray(scoreEvents.playerId, [...playerIds])).orderBy(asc(scoreEvents.id)),
    summaries: (await t.db.select({ gameId: gameSummaries.gameId }).from(gameSummaries)).length,
  });

  beforeAll(async () => {
    t = await backend.create();
    const pool = await createOccupants(t.db, `cp-${backend.name}`, 6, 2);
    humans = pool.filter((p) => !p.isBot);
    bots = pool.filter((p) => p.isBot);
  });
  afterAll(async () => {
    await t.close();
  });

  it("P2: a participant whose write throws rolls back the stats, the summary, the ladder and the status; nothing runs after", async () => {
    const game = await finishedGame("throws");
    const ids = game.deltas.map((d) => d.playerId);
    const before = await snapshot(ids);
    const ladderCalls: (readonly LadderChange[])[] = [];
    const afterCommits: string[] = [];
    const throwing: CompletionParticipant<Transaction, void> = {
      name: "throwing",
      write: () => Promise.reject(new Error("participant refused")),
      afterCommit: () => {
        afterCommits.push("throwing");
        return Promise.resolve();
      },
    };
    const completion = createGameCompletion(t.db, {
      onLadderChanges: (changes) => Promise.resolve(ladderCalls.push(changes)),
      participants: [register(throwing)],
      logger: silent,
    });
    await expect(completion.complete(game)).rejects.toThrow("participant refused");
    expect(await snapshot(ids)).toEqual(before);
    expect((await getGame(t.db, game.gameId))?.status).toBe("in_progress");
    expect(ladderCalls).toEqual([]);
    expect(afterCommits).toEqual([]);
  });

  it("P1/P3: under 3 concurrent completions of one game, each afterCommit runs exactly once, after the commit, with its write's result", async () => {
    const game = await finishedGame("concurrent");
    const seen: { result: number; statusAtAfterCommit: string | undefined }[] = [];
    let writes = 0;
    const counting: CompletionParticipant<Transaction, number> = {
      name: "counting",
      write: () => Promise.resolve(++writes),
      async afterCommit(result) {
        seen.push({ result, statusAtAfterCommit: (await getGame(t.db, game.gameId))?.status });
      },
    };
    const ladderCalls: (readonly LadderChange[])[] = [];
    const completion = createGameCompletion(t.db, {
      onLadderChanges: (changes) => Promise.resolve(ladderCalls.push(changes)),
      participants: [register(counting)],
      logger: silent,
    });
    const results = await Promise.all([completion.complete(game), completion.complete(game), completion.complete(game)]);
    expect(results.filter((r) => r.applied)).toHaveLength(1);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.statusAtAfterCommit).toBe("completed");
    expect(seen[0]?.result).toBe(writes);
    // The ladder participant's afterCommit: once, with both tiers of the three humans.
    expect(ladderCalls).toHaveLength(1);
    expect(ladderCalls[0]).toHaveLength(6);
    expect(await completion.complete(game)).toEqual({ applied: false });
    expect(seen).toHaveLength(1);
  });

  it("P3: a failing afterCommit is logged and the others still run; the completion stays committed", async () => {
    const game = await finishedGame("after-fails");
    const order: string[] = [];
    const errors: unknown[] = [];
    const failing: CompletionParticipant<Transaction, void> = {
      name: "failing",
      write: () => Promise.resolve(),
      afterCommit: () => {
        order.push("failing");
        return Promise.reject(new Error("cache down"));
      },
    };
    const after: CompletionParticipant<Transaction, void> = {
      name: "after",
      write: () => Promise.resolve(),
      afterCommit: () => {
        order.push("after");
        return Promise.resolve();
      },
    };
    const completion = createGameCompletion(t.db, {
      onLadderChanges: () => Promise.resolve(),
      participants: [register(failing), register(after)],
      logger: { error: (obj: unknown) => void errors.push(obj) },
    });
    expect(await completion.complete(game)).toEqual({ applied: true });
    expect(order).toEqual(["failing", "after"]);
    expect(errors).toHaveLength(1);
    expect((await getGame(t.db, game.gameId))?.status).toBe("completed");
  });

  it("withLifetimeStats: readers get this game's stats rows through the upsert's RETURNING, each its own columns; a column that fails rolls the completion back", async () => {
    const game = await finishedGame("follower");
    const ids = game.deltas.map((d) => d.playerId);
    const before = await snapshot(ids);
    const seen: { playerId: string; played: unknown; won: unknown }[] = [];
    const others: unknown[] = [];
    const reads: LifetimeStatsReader = {
      returning: { played: playerLifetimeStats.gamesPlayed, won: sql<number>`${playerLifetimeStats.gamesWon} * 1` },
      take: (_tx, g, rows) => {
        expect(g.gameId).toBe(game.gameId);
        seen.push(...rows.map((r) => ({ playerId: r.playerId, played: r["played"], won: r["won"] })));
      },
    };
    // The same column name in another reader: each gets its own.
    const other: LifetimeStatsReader = { returning: { played: sql<string>`'other'` }, take: (_tx, _g, rows) => void others.push(...rows.map((r) => r["played"])) };
    const failing = createGameCompletion(t.db, {
      onLadderChanges: () => Promise.resolve(),
      withLifetimeStats: [reads, { returning: { x: sql<number>`1 / 0` }, take: () => undefined }],
      logger: silent,
    });
    await expect(failing.complete(game)).rejects.toThrow(/1 \/ 0/);
    expect(await snapshot(ids)).toEqual(before);
    expect((await getGame(t.db, game.gameId))?.status).toBe("in_progress");
    seen.length = 0;
    const completion = createGameCompletion(t.db, { onLadderChanges: () => Promise.resolve(), withLifetimeStats: [reads, other], logger: silent });
    expect(await completion.complete(game)).toEqual({ applied: true });
    const played = new Map(before.stats.map((r) => [r.playerId, r.gamesPlayed]));
    const won = new Map(before.stats.map((r) => [r.playerId, r.gamesWon]));
    // One row per seat, as the upsert left it.
    seen.sort((a, b) => (a.playerId < b.playerId ? -1 : 1));
    expect(seen.map((r) => r.playerId)).toEqual([...ids].sort());
    expect(seen.map((r) => r.played)).toEqual([...ids].sort().map((id) => (played.get(id) ?? 0) + 1));
    const after = await snapshot(ids);
    expect(seen.map((r) => r.won)).toEqual([...ids].sort().map((id) => after.stats.find((x) => x.playerId === id)?.gamesWon));
    expect(seen.some((r) => r.won !== (won.get(r.playerId) ?? 0))).toBe(true);
    expect(others).toEqual(ids.map(() => "other"));
  });
});
