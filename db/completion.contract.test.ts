/**
 * Contract suite of game completion (rules C1-C7 in completion.ts) and of the database's
 * integrity rules (spec 004 §10, retention), run against every available backend in the same
 * run: PGlite always, PostgreSQL when DATABASE_URL is set.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lifetimeDeltas, summarize, type GameSummary, type LifetimeStatDelta, type PlayerId, type SeatOccupant } from "../src/game/index.js";
import { testBackends, type TestDatabase } from "../test/support/db.js";
import { completeGame, CompletionInputError, LadderOverflowError, type CompleteGameInput, type LadderChange } from "./completion.js";
import { GameNotFoundError } from "./errors.js";
import { createGame, getGame, getSummary, listSummariesInCompletionOrder, markStarted } from "./games.js";
import { getLifetimeStatsMany, type LifetimeStats } from "./players.js";
import { pgErrorCode } from "./pgError.js";
import { ALL_TIME_SEASON, gameEvents, gameSummaries, games, ladderEntries, playerLifetimeStats, players, scoreEvents, seasons } from "./schema/index.js";
import { createOccupants, gameIdFor, playGame, type PlayedGame } from "./testing/fixtures.js";

const here = path.dirname(fileURLToPath(import.meta.url));

describe.each(testBackends())("completion contract on $name", (backend) => {
  let t: TestDatabase;
  let humans: SeatOccupant[];
  let bots: SeatOccupant[];

  /** A game played to the end by the engine, created and started in the database. */
  const startedGame = async (label: string, occupants: readonly SeatOccupant[]): Promise<PlayedGame> => {
    const played = playGame(`${backend.name}:${label}`, occupants);
    const created = played.events[0];
    if (created?.type !== "game_created") throw new Error("fixture: first event is not game_created");
    await createGame(t.db, { created });
    await markStarted(t.db, played.gameId, new Date());
    return played;
  };
  const inputFor = (game: PlayedGame, completedAt = new Date()): CompleteGameInput => ({
    gameId: game.gameId,
    completedAt,
    summary: summarize(game.state),
    deltas: lifetimeDeltas(game.state),
  });

  /** Everything a completion may write, for "nothing changed" checks. */
  const snapshot = async (playerIds: readonly PlayerId[]) => ({
    stats: await t.db.select().from(playerLifetimeStats).where(inArray(playerLifetimeStats.playerId, [...playerIds])).orderBy(asc(playerLifetimeStats.playerId)),
    ladder: await t.db.select().from(ladderEntries).where(inArray(ladderEntries.playerId, [...playerIds])).orderBy(asc(ladderEntries.playerId), asc(ladderEntries.tier)),
    scoreEvents: await t.db.select().from(scoreEvents).where(inArray(scoreEvents.playerId, [...playerIds])).orderBy(asc(scoreEvents.id)),
    summaries: (await t.db.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(gameSummaries))[0]?.n,
  });

  beforeAll(async () => {
    t = await backend.create();
    const pool = await createOccupants(t.db, `cc-${backend.name}`, 10, 3);
    humans = pool.filter((p) => !p.isBot);
    bots = pool.filter((p) => p.isBot);
  });
  afterAll(async () => {
    await t.close();
  });

  it("C1: one completion writes status, summary, every seat's stats (bots too), both ladder tiers for humans, and score events", async () => {
    const seats = [humans[0]!, humans[1]!, bots[0]!, humans[2]!];
    const game = await startedGame("c1", seats);
    const input = inputFor(game, new Date("2026-01-02T03:04:05.678Z"));
    const result = await completeGame(t.db, input);
    expect(result.applied).toBe(true);

    const row = await getGame(t.db, game.gameId);
    expect(row?.status).toBe("completed");
    expect(row?.completedAt?.toISOString()).toBe("2026-01-02T03:04:05.678Z");
    expect(await getSummary(t.db, game.gameId)).toEqual(input.summary);

    const stats = await getLifetimeStatsMany(t.db, seats.map((s) => s.playerId));
    expect(stats).toHaveLength(4);
    for (const d of input.deltas) {
      const s = stats.find((x) => x.playerId === d.playerId);
      expect(s).toMatchObject({
        gamesPlayed: 1,
        gamesWon: d.won ? 1 : 0,
        highestScore: d.score,
        lowestScore: d.score,
        totalPoints: d.score,
        totalTricksWon: d.tricksWon,
        currentWinStreak: d.won ? 1 : 0,
        currentLossStreak: d.won ? 0 : 1,
        mostConsecutiveWins: d.won ? 1 : 0,
        mostConsecutiveLosses: d.won ? 0 : 1,
      });
    }

    // Humans only, one change per tier; the bot has no entry and no score event.
    expect(result.applied && result.ladderChanges).toHaveLength(3 * 2);
    if (!result.applied) return;
    for (const c of result.ladderChanges) {
      const d = input.deltas.find((x) => x.playerId === c.playerId);
      expect(d?.isBot).toBe(false);
      expect(c).toMatchObject({ oldTotal: 0, newTotal: d?.score, delta: d?.score, gamesPlayed: 1, wins: d?.won ? 1 : 0 });
      expect(c.season).toBe(c.tier === "all_time" ? ALL_TIME_SEASON : result.season);
      expect(c.scoreFirstReachedAt).toBeInstanceOf(Date);
    }
    expect(await t.db.select().from(ladderEntries).where(eq(ladderEntries.playerId, bots[0]!.playerId))).toEqual([]);
    const audit = await t.db.select().from(scoreEvents).where(eq(scoreEvents.gameId, game.gameId));
    expect(audit).toHaveLength(6);
    for (const a of audit) expect(a).toMatchObject({ source: "game", actionId: null });
  });

  it("C7: an abandoned seat counts as a lost game with no ladder points; an unranked test client gets no ladder entry; bid figures are added", async () => {
    const fresh = await createOccupants(t.db, `cc7-${backend.name}`, 4, 1);
    const [quitter, tester, stayer, bot] = fresh as [SeatOccupant, SeatOccupant, SeatOccupant, SeatOccupant];
    await t.db.update(players).set({ unranked: true }).where(eq(players.id, tester.playerId));
    const game = await startedGame("c7", [quitter, tester, stayer, bot]);
    const base = inputFor(game);
    // The quitter's seat: a bot made 33 of its 65 moves (more than half); say it won.
    const deltas = base.deltas.map((d) => (d.playerId === quitter.playerId ? { ...d, won: true, moves: { moves: 65, notOwn: 33 } } : d));
    const summary: GameSummary = { ...base.summary, players: base.summary.players.map((p) => (p.playerId === quitter.playerId ? { ...p, won: true } : p)) };
    const result = await completeGame(t.db, { ...base, summary, deltas });
    expect(result.applied).toBe(true);
    const stats = await getLifetimeStatsMany(t.db, fresh.map((p) => p.playerId));
    const statOf = (p: SeatOccupant) => stats.find((x) => x.playerId === p.playerId);
    expect(statOf(quitter)).toMatchObject({ gamesPlayed: 1, gamesWon: 0, gamesAbandoned: 1, currentLossStreak: 1, mostConsecutiveLosses: 1 });
    for (const d of base.deltas) {
      const results = game.state.roundResults.map((r) => r.find((x) => x.seat === base.summary.players.find((p) => p.playerId === d.playerId)?.seat));
      expect(stats.find((x) => x.playerId === d.playerId)).toMatchObject({
        roundsPlayed: 10,
        bidsMade: results.filter((r) => r !== undefined && r.bid === r.tricks).length,
        zeroBidsMade: results.filter((r) => r !== undefined && r.bid === 0 && r.tricks === 0).length,
      });
    }
    expect(statOf(stayer)?.gamesAbandoned).toBe(0);
    // Only the player who stayed is ranked: not the quitter, not the test client, not the bot.
    expect(result.applied && result.ladderChanges.map((c) => c.playerId)).toEqual([stayer.playerId, stayer.playerId]);
    const ranked = await t.db.select({ playerId: ladderEntries.playerId }).from(ladderEntries).where(inArray(ladderEntries.playerId, fresh.map((p) => p.playerId)));
    expect(ranked.map((r) => r.playerId)).toEqual([stayer.playerId, stayer.playerId]);
    expect((await t.db.select().from(scoreEvents).where(eq(scoreEvents.gameId, game.gameId))).map((e) => e.playerId)).toEqual([stayer.playerId, stayer.playerId]);
  });

  it("C6: bid figures or move counts that do not fit are refused, and nothing is written", async () => {
    const game = await startedGame("c6-bids", [humans[0]!, humans[1]!, bots[0]!]);
    const input = inputFor(game);
    const first = input.deltas[0]!;
    for (const bad of [{ ...first, bidsMade: first.roundsPlayed + 1 }, { ...first, zeroBidsMade: first.bidsMade + 1 }, { ...first, moves: { moves: 3, notOwn: 4 } }, { ...first, roundsPlayed: -1 }]) {
      await expect(completeGame(t.db, { ...input, deltas: [bad, ...input.deltas.slice(1)] })).rejects.toBeInstanceOf(CompletionInputError);
    }
    expect((await getGame(t.db, game.gameId))?.status).toBe("in_progress");
  });

  it("C2: completing twice applies once, sequentially and concurrently", async () => {
    const seats = [humans[3]!, humans[4]!, bots[1]!];
    const game = await startedGame("c2", seats);
    const input = inputFor(game);
    const first = await completeGame(t.db, input);
    expect(first.applied).toBe(true);
    const before = await snapshot(seats.map((s) => s.playerId));
    expect(await completeGame(t.db, input)).toEqual({ applied: false, ladderChanges: [] });
    expect(await snapshot(seats.map((s) => s.playerId))).toEqual(before);

    const racer = await startedGame("c2-race", [humans[3]!, humans[5]!, bots[2]!]);
    const results = await Promise.all(range(4).map(() => completeGame(t.db, inputFor(racer))));
    expect(results.filter((r) => r.applied)).toHaveLength(1);
    expect(await t.db.select().from(scoreEvents).where(eq(scoreEvents.gameId, racer.gameId))).toHaveLength(4);
  });

  it("C3/C4: 100 concurrent completions touching shared players equal a recomputation from all summaries", async () => {
    const pool = [...humans, ...bots];
    const played: PlayedGame[] = [];
    for (let i = 0; i < 100; i++) {
      const seats = 3 + (i % 3);
      const offset = (i * 3) % pool.length;
      const occupants = range(seats).map((k) => pool[(offset + k) % pool.length]!);
      played.push(await startedGame(`c3-${i}`, occupants));
    }
    const poolIds = pool.map((p) => p.playerId);
    const base = await snapshot(poolIds);
    const baseStats = await getLifetimeStatsMany(t.db, poolIds);
    const baseline = await t.db.select({ seq: sql<number>`coalesce(max(${gameSummaries.completionSeq}), 0)`.mapWith(Number) }).from(gameSummaries);
    const results = await Promise.all(played.map((g, i) => completeGame(t.db, inputFor(g, new Date(Date.UTC(2026, 0, 1, 0, 0, i))))));
    expect(results.every((r) => r.applied)).toBe(true);

    // Recompute every figure from the summaries, folded in completion order.
    const all = await listSummariesInCompletionOrder(t.db, { limit: 10_000 });
    const stats = new Map<string, LifetimeStats>();
    for (const s of baseStats) stats.set(s.playerId, s);
    const ladder = new Map<string, { total: number; highest: number | null; games: number; wins: number }>();
    for (const l of base.ladder) ladder.set(`${l.playerId}/${l.tier}`, { total: l.totalScore, highest: l.highestScore, games: l.gamesPlayed, wins: l.wins });
    const completedAt = new Map(played.map((g, i) => [g.gameId as string, new Date(Date.UTC(2026, 0, 1, 0, 0, i))]));
    for (const { seq, summary } of all) {
      if (seq <= (baseline[0]?.seq ?? 0)) continue;
      for (const p of summary.players) {
        const prev = stats.get(p.playerId);
        const curW = p.won ? (prev?.currentWinStreak ?? 0) + 1 : 0;
        const curL = p.won ? 0 : (prev?.currentLossStreak ?? 0) + 1;
        const at = completedAt.get(summary.gameId) ?? null;
        const mine = summary.rounds.flatMap((r) => r.results.filter((x) => x.seat === p.seat));
        stats.set(p.playerId, {
          playerId: p.playerId,
          gamesPlayed: (prev?.gamesPlayed ?? 0) + 1,
          gamesWon: (prev?.gamesWon ?? 0) + (p.won ? 1 : 0),
          highestScore: Math.max(prev?.highestScore ?? -Infinity, p.score),
          lowestScore: Math.min(prev?.lowestScore ?? Infinity, p.score),
          totalPoints: (prev?.totalPoints ?? 0) + p.score,
          totalTricksWon: (prev?.totalTricksWon ?? 0) + p.tricksWon,
          currentWinStreak: curW,
          currentLossStreak: curL,
          mostConsecutiveWins: Math.max(prev?.mostConsecutiveWins ?? 0, curW),
          mostConsecutiveLosses: Math.max(prev?.mostConsecutiveLosses ?? 0, curL),
          roundsPlayed: (prev?.roundsPlayed ?? 0) + mine.length,
          bidsMade: (prev?.bidsMade ?? 0) + mine.filter((r) => r.bid === r.tricks).length,
          zeroBidsMade: (prev?.zeroBidsMade ?? 0) + mine.filter((r) => r.bid === 0 && r.tricks === 0).length,
          gamesAbandoned: prev?.gamesAbandoned ?? 0,
          perfectGames: (prev?.perfectGames ?? 0) + (mine.length > 0 && mine.every((r) => r.bid === r.tricks) ? 1 : 0),
          lastGameAt: prev?.lastGameAt === null || prev?.lastGameAt === undefined || (at !== null && at > prev.lastGameAt) ? at : prev.lastGameAt,
        });
        if (p.isBot) continue;
        for (const tier of ["all_time", "season"]) {
          const l = ladder.get(`${p.playerId}/${tier}`);
          ladder.set(`${p.playerId}/${tier}`, {
            total: (l?.total ?? 0) + p.score,
            highest: Math.max(l?.highest ?? -Infinity, p.score),
            games: (l?.games ?? 0) + 1,
            wins: (l?.wins ?? 0) + (p.won ? 1 : 0),
          });
        }
      }
    }
    const actual = await snapshot(poolIds);
    const byId = (a: LifetimeStats, b: LifetimeStats): number => (a.playerId < b.playerId ? -1 : 1);
    expect((await getLifetimeStatsMany(t.db, poolIds)).sort(byId)).toEqual([...stats.values()].sort(byId));
    for (const l of actual.ladder) {
      expect({ total: l.totalScore, highest: l.highestScore, games: l.gamesPlayed, wins: l.wins }).toEqual(ladder.get(`${l.playerId}/${l.tier}`));
    }
    expect(actual.ladder).toHaveLength(humans.length * 2);

    // No lost update in the reported changes either: per entry they chain from old to new.
    const seqOf = new Map(all.map((s) => [s.summary.gameId as string, s.seq]));
    const changes = results.flatMap((r, i) => (r.applied ? r.ladderChanges.map((c) => ({ c, seq: seqOf.get(played[i]!.gameId) ?? 0 })) : []));
    const byEntry = new Map<string, { c: LadderChange; seq: number }[]>();
    for (const x of changes) byEntry.set(`${x.c.playerId}/${x.c.tier}`, [...(byEntry.get(`${x.c.playerId}/${x.c.tier}`) ?? []), x]);
    for (const [key, list] of byEntry) {
      list.sort((a, b) => a.seq - b.seq);
      const start = base.ladder.find((l) => `${l.playerId}/${l.tier}` === key)?.totalScore ?? 0;
      let total = start;
      for (const { c } of list) {
        expect(c.oldTotal).toBe(total);
        total = c.newTotal;
      }
      expect(total).toBe(ladder.get(key)?.total);
    }
    const audit = await t.db.select().from(scoreEvents).where(inArray(scoreEvents.gameId, played.map((g) => g.gameId)));
    expect(audit).toHaveLength(changes.length);
  });

  it("C5: score_first_reached_at moves when the total changes and stays on a 0 delta", async () => {
    const solo = (await createOccupants(t.db, `c5-${backend.name}`, 3, 1));
    const first = await startedGame("c5-a", solo);
    const r1 = await completeGame(t.db, inputFor(first));
    if (!r1.applied) throw new Error("not applied");
    const humanId = solo[0]!.playerId;
    const before = r1.ladderChanges.find((c) => c.playerId === humanId && c.tier === "all_time");
    await new Promise((r) => setTimeout(r, 5));
    const second = await startedGame("c5-b", solo);
    const r2 = await completeGame(t.db, zeroScoreFor(inputFor(second), humanId));
    if (!r2.applied) throw new Error("not applied");
    const after = r2.ladderChanges.find((c) => c.playerId === humanId && c.tier === "all_time");
    expect(after?.delta).toBe(0);
    expect(after?.newTotal).toBe(before?.newTotal);
    expect(after?.gamesPlayed).toBe(2);
    expect(after?.scoreFirstReachedAt).toEqual(before?.scoreFirstReachedAt);
    await new Promise((r) => setTimeout(r, 5));
    const third = await startedGame("c5-c", solo);
    const r3 = await completeGame(t.db, withScoreFor(inputFor(third), humanId, 7));
    if (!r3.applied) throw new Error("not applied");
    const moved = r3.ladderChanges.find((c) => c.playerId === humanId && c.tier === "all_time");
    expect(moved?.newTotal).toBe((before?.newTotal ?? 0) + 7);
    expect(moved!.scoreFirstReachedAt.getTime()).toBeGreaterThan(before!.scoreFirstReachedAt.getTime());
  });

  it("C5: a ladder total beyond Number.MAX_SAFE_INTEGER is refused and nothing is written", async () => {
    const seats = await createOccupants(t.db, `c5o-${backend.name}`, 3, 0);
    const warmup = await startedGame("c5-overflow-warmup", seats);
    await completeGame(t.db, inputFor(warmup));
    const target = seats[0]!.playerId;
    await t.db.update(ladderEntries).set({ totalScore: Number.MAX_SAFE_INTEGER - 5 }).where(and(eq(ladderEntries.playerId, target), eq(ladderEntries.tier, "all_time")));
    const game = await startedGame("c5-overflow", seats);
    const input = withScoreFor(inputFor(game), target, 6);
    const before = await snapshot(seats.map((s) => s.playerId));
    await expect(completeGame(t.db, input)).rejects.toSatisfy((e: unknown) => e instanceof LadderOverflowError && e.code === "ladder/score_overflow");
    expect(await snapshot(seats.map((s) => s.playerId))).toEqual(before);
    expect((await getGame(t.db, game.gameId))?.status).toBe("in_progress");
    expect(await getSummary(t.db, game.gameId)).toBeUndefined();
  });

  it("C5: a new season gets fresh season entries while the all-time tier carries on", async () => {
    const seats = await createOccupants(t.db, `c5s-${backend.name}`, 3, 0);
    const a = await startedGame("c5-season-a", seats);
    const ra = await completeGame(t.db, inputFor(a));
    const [current] = await t.db.select().from(seasons).where(sql`${seasons.endedAt} IS NULL`);
    await t.db.transaction(async (tx) => {
      await tx.update(seasons).set({ endedAt: new Date() }).where(eq(seasons.id, current!.id));
      await tx.insert(seasons).values({ id: current!.id + 1 });
    });
    const b = await startedGame("c5-season-b", seats);
    const rb = await completeGame(t.db, inputFor(b));
    if (!ra.applied || !rb.applied) throw new Error("not applied");
    expect(rb.season).toBe(current!.id + 1);
    const p = seats[0]!.playerId;
    const allA = ra.ladderChanges.find((c) => c.playerId === p && c.tier === "all_time");
    const allB = rb.ladderChanges.find((c) => c.playerId === p && c.tier === "all_time");
    const seasonB = rb.ladderChanges.find((c) => c.playerId === p && c.tier === "season");
    expect(allB?.oldTotal).toBe(allA?.newTotal);
    expect(seasonB).toMatchObject({ season: current!.id + 1, oldTotal: 0, gamesPlayed: 1 });
  });

  it("C6: inconsistent input, unknown players and games that are not in progress are refused, with nothing written", async () => {
    const seats = [humans[0]!, humans[5]!, bots[0]!];
    const game = await startedGame("c6", seats);
    const input = inputFor(game);
    const before = await snapshot(seats.map((s) => s.playerId));
    const bad: CompleteGameInput[] = [
      { ...input, summary: { ...input.summary, gameId: gameIdFor("other") } },
      { ...input, deltas: input.deltas.slice(1) },
      { ...input, deltas: input.deltas.map((d, i) => (i === 0 ? { ...d, score: d.score + 1 } : d)) },
      { ...input, deltas: input.deltas.map((d, i) => (i === 0 ? { ...d, isBot: !d.isBot } : d)) },
      { ...input, deltas: [...input.deltas, input.deltas[0]!] },
    ];
    for (const b of bad) await expect(completeGame(t.db, b)).rejects.toBeInstanceOf(CompletionInputError);
    // The engine says human, the players row says bot: refused.
    const liar = await startedGame("c6-liar", [humans[0]!, humans[1]!, humans[2]!]);
    const liarInput = inputFor(liar);
    const flipped: CompleteGameInput = {
      ...liarInput,
      summary: { ...liarInput.summary, players: liarInput.summary.players.map((p) => (p.playerId === humans[0]!.playerId ? { ...p, isBot: true } : p)) },
      deltas: liarInput.deltas.map((d) => (d.playerId === humans[0]!.playerId ? { ...d, isBot: true } : d)),
    };
    await expect(completeGame(t.db, flipped)).rejects.toThrow(/is_bot=false/);
    expect(await snapshot(seats.map((s) => s.playerId))).toEqual(before);
    expect((await getGame(t.db, game.gameId))?.status).toBe("in_progress");

    await expect(completeGame(t.db, { ...input, gameId: gameIdFor("missing"), summary: { ...input.summary, gameId: gameIdFor("missing") } })).rejects.toBeInstanceOf(GameNotFoundError);
    const unstarted = playGame(`${backend.name}:c6-unstarted`, seats);
    const created = unstarted.events[0];
    if (created?.type !== "game_created") throw new Error("fixture");
    await createGame(t.db, { created });
    await expect(completeGame(t.db, inputFor(unstarted))).rejects.toThrow(/created, not in_progress/);
  });

  it("integrity: completed_at without a summary is refused at commit (deferred constraint trigger)", async () => {
    const game = await startedGame("no-summary", [humans[0]!, humans[1]!, humans[2]!]);
    await expect(
      t.db.update(games).set({ status: "completed", completedAt: new Date() }).where(eq(games.id, game.gameId)),
    ).rejects.toSatisfy((e: unknown) => pgErrorCode(e) === "23000");
    await expect(
      t.db.transaction(async (tx) => {
        await tx.update(games).set({ status: "completed", completedAt: new Date() }).where(eq(games.id, game.gameId));
      }),
    ).rejects.toSatisfy((e: unknown) => pgErrorCode(e) === "23000");
    // The CHECK ties status and completed_at together.
    await expect(t.db.update(games).set({ completedAt: new Date() }).where(eq(games.id, game.gameId))).rejects.toSatisfy(
      (e: unknown) => pgErrorCode(e) === "23514",
    );
    expect((await getGame(t.db, game.gameId))?.completedAt).toBeNull();
  });

  it("retention: the database refuses to delete or truncate games and events, to change events, and to change a completed game", async () => {
    const game = await startedGame("retention", [humans[0]!, humans[1]!, humans[2]!]);
    await completeGame(t.db, inputFor(game));
    const refused = (e: unknown): boolean => pgErrorCode(e) === "23001";
    await expect(t.db.delete(games).where(eq(games.id, game.gameId))).rejects.toSatisfy(refused);
    await expect(t.db.delete(gameEvents).where(eq(gameEvents.gameId, game.gameId))).rejects.toSatisfy(refused);
    await expect(t.db.delete(gameSummaries).where(eq(gameSummaries.gameId, game.gameId))).rejects.toSatisfy(refused);
    await expect(t.db.update(gameEvents).set({ type: "tampered" }).where(eq(gameEvents.gameId, game.gameId))).rejects.toSatisfy(refused);
    await expect(t.db.execute(sql`TRUNCATE game_events`)).rejects.toSatisfy(refused);
    await expect(t.db.execute(sql`TRUNCATE games CASCADE`)).rejects.toSatisfy(refused);
    await expect(t.db.update(games).set({ sessionSeed: "0".repeat(64) }).where(eq(games.id, game.gameId))).rejects.toSatisfy(refused);
    await expect(t.db.update(games).set({ completedAt: new Date(0) }).where(eq(games.id, game.gameId))).rejects.toSatisfy(refused);
    expect(await t.db.select({ id: games.id }).from(games).where(eq(games.id, game.gameId))).toHaveLength(1);
    expect(await t.db.select({ i: gameEvents.eventIndex }).from(gameEvents).where(eq(gameEvents.gameId, game.gameId))).toHaveLength(1);
  });
});

describe("retention by construction", () => {
  it("no module of db/ deletes from games, game_events or game_summaries", () => {
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(p);
        else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) {
          const source = readFileSync(p, "utf8");
          const patterns = [/\.delete\(\s*(games|gameEvents|gameSummaries)\b/, /\b(DELETE\s+FROM|TRUNCATE)\s+"?(games|game_events|game_summaries)\b/i];
          if (patterns.some((re) => re.test(source))) offenders.push(path.relative(here, p));
        }
      }
    };
    walk(here);
    expect(offenders).toEqual([]);
  });
});

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** The input with one player's score replaced by `score` everywhere it appears. */
function withScoreFor(input: CompleteGameInput, playerId: PlayerId, score: number): CompleteGameInput {
  const summary: GameSummary = {
    ...input.summary,
    players: input.summary.players.map((p) => (p.playerId === playerId ? { ...p, score } : p)),
    finalScores: { ...input.summary.finalScores, [playerId]: score },
  };
  const deltas: LifetimeStatDelta[] = input.deltas.map((d) => (d.playerId === playerId ? { ...d, score } : d));
  return { ...input, summary, deltas };
}

function zeroScoreFor(input: CompleteGameInput, playerId: PlayerId): CompleteGameInput {
  return withScoreFor(input, playerId, 0);
}
