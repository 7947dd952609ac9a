/**
 * Seasons on a schedule (db/seasonEnd.ts SE1-SE3, src/app/seasons.ts) with a fake clock, on every
 * available backend in the same run: PGlite always, PostgreSQL when DATABASE_URL is set (there
 * the "two processes" are two database handles on one database).
 */
import { and, eq } from "drizzle-orm";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PlayerId } from "../src/game/types.js";
import { InProcessDeltaPublisher } from "../src/ladder/deltas.js";
import { MemoryLadderCache } from "../src/ladder/memoryCache.js";
import { silentLogger } from "../src/ladder/ranking.js";
import { parseRewardBands, parseSeasonSchedule, seasonRewardKey, SEASON_REWARD_REQUESTER } from "../src/ladder/seasonSchedule.js";
import { LadderService } from "../src/ladder/service.js";
import { SeasonScheduler } from "../src/app/seasons.js";
import { insertPlayers, putEntry } from "../src/ladder/testing/ladderDb.js";
import { testBackends, type TestDatabase } from "../test/support/db.js";
import { createDatabase, type Database, type DatabaseHandle } from "./client.js";
import { PgLadderStore } from "./ladderStore.js";
import { equipCosmetics, equippedOf, grantSeasonCosmetic } from "./cosmetics.js";
import { currentSeasonInfo, grantSeasonRewards, seasonStandingsOf } from "./seasonEnd.js";
import { readRawSeasonEvents } from "./seasonLog.js";
import { cosmetics, playerCosmetics, seasonEnds, seasons, transactions } from "./schema/index.js";
import { balancesOf } from "./wallet.js";

const SCHEDULE = parseSeasonSchedule("0 0 1 * *", "Europe/Stockholm");
const BANDS = parseRewardBands("1:500,3:300,10:100");

describe.each(testBackends())("seasons on a schedule on $name", (backend) => {
  let t: TestDatabase;
  let second: DatabaseHandle | null = null;
  let db2: Database;
  let players: PlayerId[];
  const services: LadderService[] = [];
  let fakeNow = 0;

  const ladderOn = async (db: Database): Promise<LadderService> => {
    const s = new LadderService({ cache: new MemoryLadderCache(), store: new PgLadderStore(db), publisher: new InProcessDeltaPublisher(), logger: silentLogger, registry: new Registry(), options: { driftIntervalMs: 0, seasonRefreshMs: 0 } });
    await s.start();
    services.push(s);
    return s;
  };
  const schedulerOn = async (db: Database, schedule = SCHEDULE) =>
    new SeasonScheduler({ db, ladder: await ladderOn(db), schedule, rewardBands: BANDS, logger: silentLogger, now: () => fakeNow, checkEveryMs: 0 });
  /** Fills the current season's tier: player i has total 100 - i (rank i + 1). */
  const fillSeason = async (n: number): Promise<void> => {
    const { season } = await currentSeasonInfo(t.db);
    for (let i = 0; i < n; i++) await putEntry(t.db, { tier: "season", season }, { playerId: players[i]!, total: 100 - i, highest: 100 - i, games: 1, wins: i === 0 ? 1 : 0, firstReachedAt: 1_000 + i });
  };
  const coins = async (p: PlayerId): Promise<number> => (await balancesOf(t.db, p)).find((b) => b.currency === "coins")?.balance ?? 0;
  const resets = async () => readRawSeasonEvents(t.db, { limit: 100, types: ["LEADERBOARD_RESET"] });
  const unlocks = async (cosmeticId: string) =>
    (await readRawSeasonEvents(t.db, { limit: 1_000, types: ["COSMETIC_UNLOCKED"] })).filter((e) => (e.payload as { cosmeticId?: string }).cosmeticId === cosmeticId);
  const owners = async (cosmeticId: string) =>
    (await t.db.select({ playerId: playerCosmetics.playerId, source: playerCosmetics.source }).from(playerCosmetics).where(eq(playerCosmetics.cosmeticId, cosmeticId))).map((r) => r.playerId).sort();
  const dueNow = async (): Promise<Date> => {
    const due = SCHEDULE.dueAfter((await currentSeasonInfo(t.db)).startedAt);
    if (due === null) throw new Error("no due time");
    return due;
  };

  beforeAll(async () => {
    t = await backend.create();
    second = t.url === undefined ? null : await createDatabase({ url: t.url });
    db2 = second?.db ?? t.db;
    players = await insertPlayers(t.db, 12);
  });
  afterAll(async () => {
    for (const s of services) await s.stop();
    await second?.close();
    await t.close();
  });

  it("S1: nothing ends before the due time; at it, the season ends once: archive, snapshot, next season, LEADERBOARD_RESET, rewards by band", async () => {
    await fillSeason(12);
    await putEntry(t.db, { tier: "rating", season: null }, { playerId: players[1]!, total: 120, highest: 150, games: 2, wins: 1, firstReachedAt: 1_000 });
    await putEntry(t.db, { tier: "rating", season: null }, { playerId: players[3]!, total: 500, highest: 500, games: 5, wins: 3, firstReachedAt: 2_000 });
    const due = await dueNow();
    const scheduler = await schedulerOn(t.db);
    fakeNow = due.getTime() - 1;
    expect(await scheduler.tick()).toMatchObject({ ended: null, dueAt: due });
    expect((await currentSeasonInfo(t.db)).season).toBe(0);
    fakeNow = due.getTime();
    const tick = await scheduler.tick();
    expect(tick.ended).toEqual({ closed: 0, opened: 1 });
    expect(tick.rewards).toEqual([{ season: 0, paid: 10, replayed: 0, coins: 500 + 2 * 300 + 7 * 100 }]);
    expect((await currentSeasonInfo(t.db)).season).toBe(1);
    const [end] = await t.db.select().from(seasonEnds).where(eq(seasonEnds.season, 0));
    expect(end).toMatchObject({ trigger: "schedule", scheduledFor: due });
    expect(end?.rewardsGrantedAt).toBeInstanceOf(Date);
    const standings = await seasonStandingsOf(t.db, 0, 100);
    expect(standings.map((s) => [s.rank, s.playerId, s.total])).toEqual(players.map((p, i) => [i + 1, p, 100 - i]));
    // The rating tier is snapshotted too, in ladder order (it does not reset).
    expect((await seasonStandingsOf(t.db, 0, 100, 1, "rating")).map((s) => [s.rank, s.playerId, s.total, s.games])).toEqual([
      [1, players[3], 500, 5],
      [2, players[1], 120, 2],
    ]);
    expect((await resets()).map((e) => e.payload)).toEqual([{ _v: 1, endedSeason: 0, openedSeason: 1, trigger: "schedule", scheduledFor: due.toISOString(), standings: 12 }]);
    expect([await coins(players[0]!), await coins(players[1]!), await coins(players[2]!), await coins(players[3]!), await coins(players[10]!)]).toEqual([500, 300, 300, 100, 0]);
    // The archived season stays readable (PostgreSQL), the new one starts empty.
    const ladder = services[services.length - 1]!;
    const archived = await ladder.top({ tier: "season", season: 0 }, 3);
    expect(archived.ok && archived.value.entries.map((e) => e.entry.playerId)).toEqual(players.slice(0, 3));
    const current = await ladder.top({ tier: "season" }, 3);
    expect(current.ok && current.value.entries).toEqual([]);
    // SE4: ranks 1-10 own the season's frame (a grant, never sold), each with one COSMETIC_UNLOCKED.
    expect(await t.db.select({ id: cosmetics.id, kind: cosmetics.kind, availability: cosmetics.availability, priceCoins: cosmetics.priceCoins }).from(cosmetics).where(eq(cosmetics.id, "season_0_frame"))).toEqual([
      { id: "season_0_frame", kind: "seat_frame", availability: "grant", priceCoins: 0 },
    ]);
    expect(await owners("season_0_frame")).toEqual(players.slice(0, 10).sort());
    const events = await unlocks("season_0_frame");
    expect(events.map((e) => [e.playerId, e.payload])).toEqual(players.slice(0, 10).map((p) => [p, { _v: 1, cosmeticId: "season_0_frame", source: "grant", priceCoins: 0, transactionId: null }]));
    // Equippable like any other seat frame.
    expect(await equipCosmetics(t.db, players[0]!, { seat_frame: "season_0_frame" })).toMatchObject({ ok: true });
    expect((await equippedOf(t.db, players[0]!)).seat_frame).toBe("season_0_frame");
    expect(await equipCosmetics(t.db, players[10]!, { seat_frame: "season_0_frame" })).toMatchObject({ ok: false, code: "cosmetics/not_owned" });
    // The same check again does nothing more: the new season is not due yet at this time.
    expect((await scheduler.tick()).ended).toBeNull();
  });

  it("SE1/SE2: two processes at the due time end the season once, and pay each reward once", async () => {
    await fillSeason(4);
    const due = await dueNow();
    fakeNow = due.getTime() + 5;
    const [a, b] = [await schedulerOn(t.db), await schedulerOn(db2)];
    const before = (await resets()).length;
    const [ta, tb, ta2, tb2] = await Promise.all([a.tick(), b.tick(), a.tick(), b.tick()]);
    // One check at a time per process: a second call during a check shares its result.
    expect(ta2).toBe(ta);
    expect(tb2).toBe(tb);
    expect([ta, tb].filter((x) => x?.ended !== null).map((x) => x?.ended)).toEqual([{ closed: 1, opened: 2 }]);
    expect((await resets()).length).toBe(before + 1);
    expect(await t.db.select().from(seasons).where(eq(seasons.id, 3))).toEqual([]);
    const paid = await t.db
      .select()
      .from(transactions)
      .where(and(eq(transactions.requestedBy, SEASON_REWARD_REQUESTER), eq(transactions.idempotencyKey, seasonRewardKey(1, players[0]!))));
    expect(paid).toHaveLength(1);
    expect(await coins(players[0]!)).toBe(1_000);
    // SE4: the season's frame went to its 4 entries once: one row and one COSMETIC_UNLOCKED each.
    expect(await owners("season_1_frame")).toEqual(players.slice(0, 4).sort());
    expect((await unlocks("season_1_frame")).map((e) => e.playerId).sort()).toEqual(players.slice(0, 4).sort());
  });

  it("SE4: granting a season's cosmetic again, twice at once from two handles, grants nothing more", async () => {
    const frame = { id: "season_1_frame", name: "Season 1 frame" };
    const before = (await unlocks(frame.id)).length;
    const again = await Promise.all([t.db.transaction((tx) => grantSeasonCosmetic(tx, frame, players.slice(0, 4))), db2.transaction((tx) => grantSeasonCosmetic(tx, frame, players.slice(0, 4)))]);
    expect(again).toEqual([[], []]);
    expect(await owners(frame.id)).toEqual(players.slice(0, 4).sort());
    expect((await unlocks(frame.id)).length).toBe(before);
    // A new player for the same season's frame (two handles at once) is granted exactly once.
    const both = await Promise.all([t.db.transaction((tx) => grantSeasonCosmetic(tx, frame, [players[5]!])), db2.transaction((tx) => grantSeasonCosmetic(tx, frame, [players[5]!]))]);
    expect(both.flat()).toEqual([players[5]]);
    expect((await unlocks(frame.id)).length).toBe(before + 1);
  });

  it("SE3: granting a season's rewards again pays nothing twice", async () => {
    const balances = await Promise.all(players.map(coins));
    expect(await grantSeasonRewards(t.db, 0, BANDS)).toEqual({ season: 0, paid: 0, replayed: 10, coins: 0 });
    expect(await Promise.all([grantSeasonRewards(t.db, 1, BANDS), grantSeasonRewards(db2, 1, BANDS)])).toEqual([
      { season: 1, paid: 0, replayed: 4, coins: 0 },
      { season: 1, paid: 0, replayed: 4, coins: 0 },
    ]);
    expect(await Promise.all(players.map(coins))).toEqual(balances);
  });

  it("a process that was down at the scheduled time ends the season when it starts", async () => {
    fakeNow = (await dueNow()).getTime() + 86_400_000;
    const late = await schedulerOn(t.db);
    await late.start();
    expect((await currentSeasonInfo(t.db)).season).toBe(3);
    const [end] = await t.db.select().from(seasonEnds).where(eq(seasonEnds.season, 2));
    expect(end?.trigger).toBe("schedule");
    await late.stop();
  });

  it("the admin reset goes through the same path: one season_ends row, LEADERBOARD_RESET, rewards", async () => {
    await fillSeason(2);
    const scheduler = await schedulerOn(t.db, parseSeasonSchedule("0 0 1 1 *", "UTC"));
    fakeNow = 0;
    const balance = await coins(players[1]!);
    expect(await scheduler.endNow()).toEqual({ closed: 3, opened: 4 });
    const [end] = await t.db.select().from(seasonEnds).where(eq(seasonEnds.season, 3));
    expect(end).toMatchObject({ trigger: "admin", scheduledFor: null });
    expect((await resets()).at(-1)?.payload).toMatchObject({ endedSeason: 3, openedSeason: 4, trigger: "admin", scheduledFor: null, standings: 2 });
    expect(await coins(players[1]!)).toBe(balance + 300);
    expect(await owners("season_3_frame")).toEqual(players.slice(0, 2).sort());
  });

  it("SE4: SEASON_COSMETIC_RANKS limits who gets the frame (0: nobody, no catalogue entry)", async () => {
    await fillSeason(5);
    const ladder = await ladderOn(t.db);
    expect(await ladder.resetSeason({ trigger: "admin", cosmeticRanks: 2 })).toEqual({ closed: 4, opened: 5 });
    expect(await owners("season_4_frame")).toEqual(players.slice(0, 2).sort());
    await fillSeason(3);
    expect(await ladder.resetSeason({ trigger: "admin", cosmeticRanks: 0 })).toEqual({ closed: 5, opened: 6 });
    expect(await t.db.select().from(cosmetics).where(eq(cosmetics.id, "season_5_frame"))).toEqual([]);
  });

  it("bad schedules and bands are refused with a reason", () => {
    expect(() => parseSeasonSchedule("every monday", "UTC")).toThrow(/bad season schedule/);
    expect(() => parseSeasonSchedule("0 0 1 * *", "Mars/Base")).toThrow(/bad season schedule/);
    expect(() => parseRewardBands("3:100,1:500")).toThrow(/increasing/);
    expect(() => parseRewardBands("1:0")).toThrow(/positive/);
    expect(parseRewardBands("")).toEqual([]);
  });
});
