/**
 * Skill ratings in storage (db/ratings.ts, RS1-RS4) through the real completion pipeline, on
 * every available backend in the same run: PGlite always, PostgreSQL when DATABASE_URL is set.
 */
import { and, asc, eq, inArray } from "drizzle-orm";
import { rate, rating } from "openskill";
import { plackettLuce } from "openskill/models";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lifetimeDeltas, summarize, type SeatOccupant } from "../src/game/index.js";
import type { GameSummary, LifetimeStatDelta, PlayerId } from "../src/game/types.js";
import { register, type FinishedGame, type GameCompletion } from "../src/completion/pipeline.js";
import type { LadderChange } from "../src/ladder/ladderChange.js";
import { BOT_RATING, placesOf, shownRating } from "../src/ladder/rating.js";
import { testBackends, type TestDatabase } from "../test/support/db.js";
import { createGameCompletion } from "./completion.js";
import { createGame, markStarted } from "./games.js";
import { getRating, ratingParticipant, rebuildRatings } from "./ratings.js";
import { gameSummaries, ladderEntries, playerRatings, players, ratingUpdates, scoreEvents } from "./schema/index.js";
import { createOccupants, playGame } from "./testing/fixtures.js";
import { createPlayer } from "./players.js";
import { pickBots, RANKED_BOTS } from "../src/ladder/botRatings.js";
import { asPlayerId } from "../src/shared/identity.js";

const silent = { error: () => undefined };

describe.each(testBackends())("skill ratings on $name", (backend) => {
  let t: TestDatabase;
  let humans: SeatOccupant[];
  let bots: SeatOccupant[];
  let completion: GameCompletion;
  const published: LadderChange[] = [];

  /** A played game between `occupants`, registered and started; `scores` overrides the totals (ties). */
  const finishedGame = async (label: string, occupants: readonly SeatOccupant[], scores?: readonly number[]): Promise<FinishedGame> => {
    const played = playGame(`${backend.name}:rating:${label}`, occupants);
    const created = played.events[0];
    if (created?.type !== "game_created") throw new Error("fixture: first event is not game_created");
    await createGame(t.db, { created });
    await markStarted(t.db, played.gameId, new Date());
    let summary: GameSummary = summarize(played.state);
    let deltas: readonly LifetimeStatDelta[] = lifetimeDeltas(played.state);
    if (scores !== undefined) {
      const of = (id: PlayerId): number => scores[occupants.findIndex((o) => o.playerId === id)] ?? 0;
      const best = Math.max(...scores);
      summary = { ...summary, players: summary.players.map((p) => ({ ...p, score: of(p.playerId), won: of(p.playerId) === best })) };
      deltas = deltas.map((d) => ({ ...d, score: of(d.playerId), won: of(d.playerId) === best }));
    }
    return { gameId: played.gameId, completedAt: new Date(), summary, deltas };
  };

  /** What openskill itself computes for a game from the stored ratings before it. */
  const expectedFor = async (game: FinishedGame) => {
    const seats = game.summary.players;
    const before = await Promise.all(seats.map(async (p) => (p.isBot ? { ...BOT_RATING } : ((await getRating(t.db, p.playerId))?.rating ?? rating()))));
    const after = rate(
      before.map((r) => [r]),
      { rank: placesOf(seats.map((p) => p.score)), model: plackettLuce },
    );
    return new Map(seats.map((p, i) => [p.playerId, { before: before[i]!, after: after[i]![0]!, isBot: p.isBot }] as const));
  };

  const ratingRows = () => t.db.select().from(playerRatings).orderBy(asc(playerRatings.playerId));
  const ratingTier = () =>
    t.db
      .select({ playerId: ladderEntries.playerId, total: ladderEntries.totalScore, highest: ladderEntries.highestScore, games: ladderEntries.gamesPlayed, wins: ladderEntries.wins })
      .from(ladderEntries)
      .where(eq(ladderEntries.tier, "rating"))
      .orderBy(asc(ladderEntries.playerId));

  beforeAll(async () => {
    t = await backend.create();
    const pool = await createOccupants(t.db, `rt-${backend.name}`, 9, 3);
    humans = pool.filter((p) => !p.isBot);
    bots = pool.filter((p) => p.isBot);
    completion = createGameCompletion(t.db, {
      onLadderChanges: () => Promise.resolve(),
      participants: [register(ratingParticipant((changes) => Promise.resolve(published.push(...changes))))],
      logger: silent,
    });
  });
  afterAll(async () => {
    await t.close();
  });

  const seatings = (): [string, SeatOccupant[]][] => [
    ["3 seats", [humans[0]!, humans[1]!, humans[2]!]],
    ["4 seats", [humans[0]!, bots[0]!, humans[3]!, humans[1]!]],
    ["5 seats", [humans[4]!, humans[0]!, bots[1]!, humans[2]!, humans[5]!]],
  ];

  it.each(["3 seats", "4 seats", "5 seats"])("RS1: a game of %s updates each human as openskill computes it directly", async (which) => {
    const [label, occupants] = seatings().find(([l]) => l === which)!;
    const game = await finishedGame(label, occupants);
    const expected = await expectedFor(game);
    const botsBefore = await t.db.select().from(playerRatings).where(inArray(playerRatings.playerId, bots.map((b) => b.playerId)));
    published.length = 0;
    expect(await completion.complete(game)).toEqual({ applied: true });
    for (const [playerId, e] of expected) {
      const stored = await getRating(t.db, playerId);
      if (e.isBot) {
        expect(stored).toBeNull();
        continue;
      }
      expect(stored?.rating).toEqual({ mu: e.after.mu, sigma: e.after.sigma });
      const [entry] = await t.db
        .select()
        .from(ladderEntries)
        .where(and(eq(ladderEntries.playerId, playerId), eq(ladderEntries.tier, "rating")));
      expect(entry?.totalScore).toBe(shownRating(e.after)); // RS3
      const change = published.find((c) => c.playerId === playerId);
      expect(change).toMatchObject({ tier: "rating", season: 0, newTotal: shownRating(e.after), delta: shownRating(e.after) - shownRating(e.before) });
    }
    expect(published).toHaveLength(occupants.filter((o) => !o.isBot).length);
    expect(await t.db.select().from(playerRatings).where(inArray(playerRatings.playerId, bots.map((b) => b.playerId)))).toEqual(botsBefore);
  });

  it("R2: equal totals share a place (a 4-seat game with a three-way tie)", async () => {
    const occupants = [humans[1]!, humans[2]!, humans[3]!, humans[4]!];
    const game = await finishedGame("ties", occupants, [50, 50, 50, 10]);
    const expected = await expectedFor(game);
    await completion.complete(game);
    const rows = await t.db.select().from(ratingUpdates).where(eq(ratingUpdates.gameId, game.gameId));
    expect(rows.map((r) => r.place).sort()).toEqual([1, 1, 1, 4]);
    for (const o of occupants) expect((await getRating(t.db, o.playerId))?.rating).toEqual({ mu: expected.get(o.playerId)!.after.mu, sigma: expected.get(o.playerId)!.after.sigma });
  });

  it("R1: a game with one human changes no rating; bots never get a rating or a rating entry", async () => {
    const before = await ratingRows();
    const game = await finishedGame("one human", [humans[0]!, bots[0]!, bots[1]!, bots[2]!]);
    expect(await completion.complete(game)).toEqual({ applied: true });
    expect(await ratingRows()).toEqual(before);
    expect(await t.db.select().from(ratingUpdates).where(eq(ratingUpdates.gameId, game.gameId))).toEqual([]);
    const botIds = bots.map((b) => b.playerId);
    expect(await t.db.select().from(playerRatings).where(inArray(playerRatings.playerId, botIds))).toEqual([]);
    expect(await t.db.select().from(ladderEntries).where(inArray(ladderEntries.playerId, botIds))).toEqual([]);
  });

  it("B1: ranked bots rate their table at their graded fixed rating, which never changes; no ladder entry in any tier", async () => {
    const [low, high] = [RANKED_BOTS[0]!, RANKED_BOTS[10]!];
    for (const b of [low, high]) await createPlayer(t.db, { id: asPlayerId(b.playerId), displayName: b.displayName, avatarSeed: "ranked", color: "#336699", isBot: true });
    const botSeats: SeatOccupant[] = [low, high].map((b) => ({ playerId: b.playerId as PlayerId, displayName: b.displayName, isBot: true }));
    for (let round = 0; round < 2; round++) {
      const occupants = [humans[2]!, botSeats[0]!, humans[4]!, botSeats[1]!];
      const game = await finishedGame(`ranked bots ${round}`, occupants);
      const seats = game.summary.players;
      // What openskill computes with the bots at their graded ratings (mu = shown/100 + 3, sigma 1).
      const before = await Promise.all(
        seats.map(async (p) => (p.playerId === low.playerId ? { mu: 3, sigma: 1 } : p.playerId === high.playerId ? { mu: 33, sigma: 1 } : ((await getRating(t.db, p.playerId))?.rating ?? rating()))),
      );
      const after = rate(before.map((r) => [r]), { rank: placesOf(seats.map((p) => p.score)), model: plackettLuce });
      expect(await completion.complete(game)).toEqual({ applied: true });
      for (const [i, p] of seats.entries()) {
        if (p.isBot) continue;
        expect((await getRating(t.db, p.playerId))?.rating).toEqual({ mu: after[i]![0]!.mu, sigma: after[i]![0]!.sigma });
      }
    }
    const botIds = botSeats.map((b) => b.playerId);
    expect(await t.db.select().from(playerRatings).where(inArray(playerRatings.playerId, botIds))).toEqual([]);
    expect(await t.db.select().from(ratingUpdates).where(inArray(ratingUpdates.playerId, botIds))).toEqual([]);
    expect(await t.db.select().from(ladderEntries).where(inArray(ladderEntries.playerId, botIds))).toEqual([]);
    expect(RANKED_BOTS[10]!.rating).toEqual({ mu: 33, sigma: 1 });
    expect(shownRating(RANKED_BOTS[10]!.rating)).toBe(3000);
    expect(pickBots(2950, 1)[0]?.playerId).toBe(high.playerId);
  });

  it("RS2: three concurrent completions of one game rate it once", async () => {
    const occupants = [humans[5]!, humans[0]!, bots[2]!, humans[3]!];
    const game = await finishedGame("concurrent", occupants);
    const expected = await expectedFor(game);
    const gamesBefore = new Map((await ratingRows()).map((r) => [r.playerId, r.games]));
    const results = await Promise.all([completion.complete(game), completion.complete(game), completion.complete(game)]);
    expect(results.filter((r) => r.applied)).toHaveLength(1);
    expect(await completion.complete(game)).toEqual({ applied: false }); // and a later retry
    const humanIds = occupants.filter((o) => !o.isBot).map((o) => o.playerId);
    expect(await t.db.select().from(ratingUpdates).where(eq(ratingUpdates.gameId, game.gameId))).toHaveLength(humanIds.length);
    for (const id of humanIds) {
      const stored = await getRating(t.db, id);
      expect(stored?.rating).toEqual({ mu: expected.get(id)!.after.mu, sigma: expected.get(id)!.after.sigma });
      expect(stored?.games).toBe((gamesBefore.get(id) ?? 0) + 1);
    }
    const events = await t.db
      .select()
      .from(scoreEvents)
      .where(and(eq(scoreEvents.gameId, game.gameId), eq(scoreEvents.tier, "rating")));
    expect(events).toHaveLength(humanIds.length);
  });

  it("R2/L8: an abandoned human places last whatever its total (several share last place), never wins; the summary records the seats", async () => {
    const occupants = [humans[0]!, humans[1]!, humans[2]!, humans[3]!];
    const game0 = await finishedGame("abandoned", occupants, [90, 50, 50, 10]);
    const gone = new Set([humans[0]!.playerId, humans[3]!.playerId]);
    // Seats 0 and 3 made most of their moves on timeout or by the replacing bot (L8).
    const game: FinishedGame = { ...game0, deltas: game0.deltas.map((d) => (gone.has(d.playerId) ? { ...d, moves: { moves: d.moves.moves, notOwn: d.moves.moves } } : d)) };
    const before = await Promise.all(occupants.map(async (o) => (await getRating(t.db, o.playerId))?.rating ?? rating()));
    const winsBefore = new Map((await ratingTier()).map((r) => [r.playerId, r.wins] as const));
    const after = rate(
      before.map((r) => [r]),
      { rank: [3, 1, 1, 3], model: plackettLuce },
    );
    expect(await completion.complete(game)).toEqual({ applied: true });
    const [row] = await t.db.select({ abandoned: gameSummaries.abandonedSeats, players: gameSummaries.players }).from(gameSummaries).where(eq(gameSummaries.gameId, game.gameId));
    const seatOf = (id: PlayerId) => row!.players.find((p) => p.playerId === id)!.seat;
    expect(row?.abandoned).toEqual([seatOf(humans[0]!.playerId), seatOf(humans[3]!.playerId)].sort((a, b) => a - b));
    const places = new Map((await t.db.select().from(ratingUpdates).where(eq(ratingUpdates.gameId, game.gameId))).map((r) => [r.playerId, r.place] as const));
    expect(occupants.map((o) => places.get(o.playerId))).toEqual([3, 1, 1, 3]);
    for (const [i, o] of occupants.entries()) expect((await getRating(t.db, o.playerId))?.rating).toEqual({ mu: after[i]![0]!.mu, sigma: after[i]![0]!.sigma });
    // The abandoned seat had the highest total, but neither it nor the other abandoned seat wins.
    const wins = new Map((await ratingTier()).map((r) => [r.playerId, r.wins] as const));
    expect(wins.get(humans[0]!.playerId)).toBe(winsBefore.get(humans[0]!.playerId) ?? 0);
    expect(wins.get(humans[1]!.playerId)).toBe((winsBefore.get(humans[1]!.playerId) ?? 0) + 1);
  });

  it("RS3: every rating tier total equals the shown rating of the stored rating", async () => {
    const rows = await ratingRows();
    const tier = new Map((await ratingTier()).map((r) => [r.playerId, r] as const));
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      const e = tier.get(r.playerId);
      expect(e?.total).toBe(shownRating(r));
      expect(e?.games).toBe(r.games);
    }
    expect(tier.size).toBe(rows.length);
  });

  it("RS4: a rebuild from the stored summaries equals the live ratings and rating tier", async () => {
    for (let i = 0; i < 4; i++) {
      const game = await finishedGame(`more ${i}`, [humans[i]!, humans[(i + 2) % 6]!, bots[i % 3]!, humans[(i + 4) % 6]!, humans[(i + 5) % 6]!]);
      await completion.complete(game);
    }
    const strip = <T extends { updatedAt: Date }>(rows: readonly T[]) => rows.map(({ updatedAt: _u, ...rest }) => rest);
    const live = { ratings: strip(await ratingRows()), tier: await ratingTier(), updates: (await t.db.select().from(ratingUpdates)).length };
    // Spoil the stored values, so the rebuild has to recompute them.
    await t.db.update(playerRatings).set({ mu: 1, sigma: 1, games: 99 });
    await t.db.delete(ladderEntries).where(eq(ladderEntries.tier, "rating"));
    const result = await rebuildRatings(t.db);
    expect(result.players).toBe(live.ratings.length);
    expect(result.rated).toBeGreaterThanOrEqual(8);
    expect(strip(await ratingRows())).toEqual(live.ratings);
    expect(await ratingTier()).toEqual(live.tier);
    expect((await t.db.select().from(ratingUpdates)).length).toBe(live.updates);
    // A second rebuild is the same again.
    await rebuildRatings(t.db);
    expect(strip(await ratingRows())).toEqual(live.ratings);
  });

  it("L8: a test client's guest (players.unranked) is rated as a bot is: never rated, never on the rating tier", async () => {
    const guest = humans[5]!;
    await t.db.update(players).set({ unranked: true }).where(eq(players.id, guest.playerId));
    const before = await getRating(t.db, guest.playerId);
    const game = await finishedGame("unranked guest", [guest, humans[3]!, humans[4]!]);
    expect(await completion.complete(game)).toEqual({ applied: true });
    const rated = await t.db.select({ playerId: ratingUpdates.playerId }).from(ratingUpdates).where(eq(ratingUpdates.gameId, game.gameId));
    expect(rated.map((r) => r.playerId).sort()).toEqual([humans[3]!.playerId, humans[4]!.playerId].sort());
    expect(await getRating(t.db, guest.playerId)).toEqual(before);
  });
});
