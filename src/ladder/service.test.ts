/**
 * The ladder service over a real store (PGlite with the project's migrations) and each cache:
 * the in-process index always, Redis when REDIS_URL is set. A switchable wrapper takes the
 * cache "down"; a Redis client aimed at a closed port shows a truly unreachable Redis.
 */
import { Registry } from "prom-client";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { sql } from "drizzle-orm";
import { openTestRedis, redisMissing, redisSuiteName, type TestRedis } from "../../test/support/redis.js";
import type { DatabaseHandle } from "../../db/client.js";
import type { PlayerId } from "../game/types.js";
import type { EntryBatches, LadderCache, LadderPage, TierKey, UpsertOptions, UpsertResult } from "./cache.js";
import { InProcessDeltaPublisher, type LadderDelta } from "./deltas.js";
import { MemoryLadderCache } from "./memoryCache.js";
import { PgLadderStore } from "../../db/ladderStore.js";
import { makeEntry, rankEntries, silentLogger, type LadderEntry, type LadderEntryFields, type RankedEntry } from "./ranking.js";
import { LADDER_REDIS_OPTIONS, RedisLadderCache } from "./redisCache.js";
import { LadderService, type LadderChange } from "./service.js";
import { deleteEntry, freshLadderDb, freshPostgresLadderDb, insertEntries, insertPlayers, putEntry, TEST_DATABASE_URL } from "./testing/ladderDb.js";

const ALL = { tier: "all_time", season: null } as const;
const S0 = { tier: "season", season: 0 } as const;

/** A cache that can be switched off: every call then rejects, as with Redis down. */
class SwitchableCache implements LadderCache {
  down = false;
  constructor(private readonly inner: LadderCache) {}
  get kind(): "redis" | "memory" {
    return this.inner.kind;
  }
  private gate<T>(fn: () => Promise<T>): Promise<T> {
    return this.down ? Promise.reject(new Error("cache down (test)")) : fn();
  }
  upsert(t: TierKey, e: LadderEntry, o?: UpsertOptions): Promise<UpsertResult> {
    return this.gate(() => this.inner.upsert(t, e, o));
  }
  remove(t: TierKey, p: PlayerId): Promise<RankedEntry | null> {
    return this.gate(() => this.inner.remove(t, p));
  }
  top(t: TierKey, l: number, c?: string | null): Promise<LadderPage> {
    return this.gate(() => this.inner.top(t, l, c));
  }
  rankOf(t: TierKey, p: PlayerId): Promise<RankedEntry | null> {
    return this.gate(() => this.inner.rankOf(t, p));
  }
  around(t: TierKey, p: PlayerId, r: number): Promise<readonly RankedEntry[] | null> {
    return this.gate(() => this.inner.around(t, p, r));
  }
  count(t: TierKey): Promise<number> {
    return this.gate(() => this.inner.count(t));
  }
  replaceAll(t: TierKey, b: EntryBatches): Promise<number> {
    return this.gate(() => this.inner.replaceAll(t, b));
  }
  snapshot(t: TierKey, n: number): Promise<readonly RankedEntry[]> {
    return this.gate(() => this.inner.snapshot(t, n));
  }
}

/** A committed change, shaped as completeGame returns it. */
function change(tier: LadderChange["tier"], season: number, before: LadderEntryFields | null, after: LadderEntryFields): LadderChange {
  const oldTotal = before?.total ?? 0;
  return {
    playerId: after.playerId,
    tier,
    season,
    oldTotal,
    newTotal: after.total,
    delta: after.total - oldTotal,
    highestScore: after.highest,
    gamesPlayed: after.games,
    wins: after.wins,
    scoreFirstReachedAt: new Date(after.firstReachedAt),
  };
}

function fields(playerId: PlayerId, total: number, at: number, games = 1, wins = 0): LadderEntryFields {
  return { playerId, total, highest: Math.max(total, 0), games, wins, firstReachedAt: at };
}

let handle: DatabaseHandle;
/** Opens the suite's database (each describe block has its own, set here for the helpers). */
function useDb(open: () => Promise<DatabaseHandle>): void {
  let mine: DatabaseHandle | undefined;
  beforeAll(async () => {
    mine = await open();
    handle = mine;
  });
  afterAll(async () => {
    await mine?.close();
  });
}

async function resetDb(): Promise<void> {
  await handle.db.execute(sql`DELETE FROM ladder_entries`);
  await handle.db.execute(sql`DELETE FROM players`);
  await handle.db.execute(sql`DELETE FROM seasons WHERE id > 0`);
  await handle.db.execute(sql`UPDATE seasons SET ended_at = NULL WHERE id = 0`);
}

interface Rig {
  service: LadderService;
  cache: SwitchableCache;
  store: PgLadderStore;
  deltas: LadderDelta[];
  registry: Registry;
  ids: PlayerId[];
}

/** Seeds `n` players in both tiers with totals 100*(n-i) (ties every third), and starts a service. */
async function rig(makeCache: () => LadderCache, n = 30, start = true): Promise<Rig> {
  await resetDb();
  const ids = await insertPlayers(handle.db, n);
  const total = (i: number): number => 100 * (n - i - (i % 3 === 2 ? 1 : 0));
  await insertEntries(handle.db, ALL, ids.map((pid, i) => fields(pid, total(i), 1_000 + i, 2)));
  await insertEntries(handle.db, S0, ids.map((pid, i) => fields(pid, total(i) - 50, 2_000 + (i % 2), 1)));
  const cache = new SwitchableCache(makeCache());
  const store = new PgLadderStore(handle.db);
  const publisher = new InProcessDeltaPublisher();
  const deltas: LadderDelta[] = [];
  publisher.subscribe((d) => deltas.push(d.delta));
  const registry = new Registry();
  const service = new LadderService({ cache, store, publisher, logger: silentLogger, registry, options: { driftIntervalMs: 0, retryBaseMs: 5, retryMaxMs: 20 } });
  if (start) await service.start();
  return { service, cache, store, deltas, registry, ids };
}

async function counterValue(registry: Registry, name: string): Promise<number> {
  const m = await registry.getSingleMetric(name)?.get();
  return (m?.values ?? []).reduce((s, v) => s + v.value, 0);
}

async function dbTop(store: PgLadderStore, tier: typeof ALL | typeof S0, n: number): Promise<readonly RankedEntry[]> {
  return store.top(tier, n, null);
}

function pick(ids: readonly PlayerId[], i: number): PlayerId {
  const p = ids[i];
  if (p === undefined) throw new Error(`no player ${i}`);
  return p;
}

function serviceSuite(makeCache: () => LadderCache, teardown: () => Promise<void> = () => Promise.resolve()): void {
  let r: Rig;
  beforeEach(async () => {
    r = await rig(makeCache);
  });
  afterEach(async () => {
    r.cache.down = false;
    await r.service.stop();
  });
  afterAll(teardown);

  it("start-up rebuilds an empty cache from PostgreSQL; reads come from the cache and match the DB", async () => {
    expect(await r.cache.count("all_time")).toBe(30);
    expect(await r.cache.count("season:0")).toBe(30);
    const page = await r.service.top({ tier: "all_time" }, 10);
    expect(page).toMatchObject({ ok: true, source: "cache" });
    if (!page.ok) throw new Error("unreachable");
    expect(page.value.entries).toEqual(await dbTop(r.store, ALL, 10));
    const me = await r.service.rankOf({ tier: "season" }, pick(r.ids, 4));
    expect(me).toMatchObject({ ok: true, source: "cache" });
    if (!me.ok) throw new Error("unreachable");
    expect(me.value).toEqual(await r.store.rankOf(S0, pick(r.ids, 4)));
  });

  it("start-up with the cache unreachable: reads use PostgreSQL; the empty-cache rebuild runs once it is back", async () => {
    const cache = new SwitchableCache(makeCache());
    cache.down = true;
    const service = new LadderService({ cache, store: r.store, publisher: { publish: () => undefined }, logger: silentLogger, registry: new Registry(), options: { driftIntervalMs: 0, retryBaseMs: 60_000 } });
    await service.start();
    expect(await service.count({ tier: "all_time" })).toMatchObject({ ok: true, value: 30, source: "db" });
    cache.down = false;
    expect(await service.count({ tier: "all_time" })).toMatchObject({ ok: true, source: "db" });
    await service.flush();
    expect(await service.count({ tier: "all_time" })).toMatchObject({ ok: true, value: 30, source: "cache" });
    expect(await service.count({ tier: "season" })).toMatchObject({ ok: true, value: 30, source: "cache" });
    await service.stop();
  });

  it("store and cache agree on pages, around-me and counts (the fallback path is exact)", async () => {
    for (const q of [{ tier: "all_time" } as const, { tier: "season" } as const]) {
      const viaCache: RankedEntry[] = [];
      const viaDb: RankedEntry[] = [];
      for (const [down, out] of [[false, viaCache], [true, viaDb]] as const) {
        r.cache.down = down;
        let cursor: string | null = null;
        do {
          const p = await r.service.top(q, 7, cursor);
          if (!p.ok) throw new Error(p.error.code);
          expect(p.source).toBe(down ? "db" : "cache");
          out.push(...p.value.entries);
          cursor = p.value.nextCursor;
        } while (cursor !== null);
      }
      expect(viaDb).toEqual(viaCache);
      expect(viaCache.map((x) => x.rank)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
      expect(viaCache).toEqual(rankEntries(viaCache.map((x) => x.entry)));
      for (const i of [0, 15, 29]) {
        r.cache.down = false;
        const a = await r.service.around(q, pick(r.ids, i), 3);
        r.cache.down = true;
        const b = await r.service.around(q, pick(r.ids, i), 3);
        expect(a.ok && b.ok && a.source === "cache" && b.source === "db").toBe(true);
        if (a.ok && b.ok) expect(b.value).toEqual(a.value);
      }
      const c = await r.service.count(q);
      expect(c).toMatchObject({ ok: true, value: 30, source: "db" });
      r.cache.down = false;
    }
    expect(await counterValue(r.registry, "pzo_ladder_fallback_reads_total")).toBeGreaterThan(0);
  });

  it("bad input gets typed errors", async () => {
    expect(await r.service.top({ tier: "all_time" }, 10, "%%%")).toMatchObject({ ok: false, error: { code: "ladder/bad_cursor" } });
    expect(await r.service.top({ tier: "all_time" }, 0)).toMatchObject({ ok: false, error: { code: "ladder/bad_limit" } });
    expect(await r.service.top({ tier: "all_time" }, 10_000)).toMatchObject({ ok: false, error: { code: "ladder/bad_limit" } });
    expect(await r.service.around({ tier: "season", season: -1 }, pick(r.ids, 0), 2)).toMatchObject({ ok: false, error: { code: "ladder/bad_season" } });
  });

  it("applyChanges: one delta per tier with old rank, new rank, total and change", async () => {
    const pid = pick(r.ids, 20);
    const before = await r.store.rankOf(ALL, pid);
    const beforeS = await r.store.rankOf(S0, pid);
    if (before === null || beforeS === null) throw new Error("seeded");
    const afterAll = fields(pid, 100_000, 9_000, 3, 1);
    const afterS = fields(pid, 99_000, 9_000, 2, 1);
    await putEntry(handle.db, ALL, afterAll);
    await putEntry(handle.db, S0, afterS);
    const changes: LadderChange[] = [
      change("all_time", 0, before.entry, afterAll),
      change("season", 0, beforeS.entry, afterS),
    ];
    const out = await r.service.applyChanges(changes);
    expect(out).toEqual(r.deltas);
    expect(out).toEqual([
      expect.objectContaining({ type: "ladder.changed", tier: "all_time", season: null, playerId: pid, oldRank: before.rank, newRank: 1, total: 100_000, change: 100_000 - before.entry.total }),
      expect.objectContaining({ type: "ladder.changed", tier: "season", season: 0, playerId: pid, oldRank: beforeS.rank, newRank: 1, total: 99_000, change: 99_000 - beforeS.entry.total }),
    ]);
    expect(await r.service.rankOf({ tier: "all_time" }, pid)).toMatchObject({ ok: true, source: "cache", value: { rank: 1, entry: makeEntry(afterAll) } });
  });

  it("the rating tier: same cache and order (equal totals: first reached first), reads, a delta with season null", async () => {
    const RATING = { tier: "rating", season: null } as const;
    const [a, b, c] = [pick(r.ids, 3), pick(r.ids, 4), pick(r.ids, 5)];
    await putEntry(handle.db, RATING, fields(a, 1_250, 5_000, 6, 2));
    await putEntry(handle.db, RATING, fields(b, 1_250, 4_000, 7, 1));
    await r.service.rebuild("rating");
    const newer = fields(c, 1_250, 6_000, 1, 1);
    await putEntry(handle.db, RATING, newer);
    const out = await r.service.applyChanges([change("rating", 0, null, newer)]);
    expect(out).toEqual([expect.objectContaining({ type: "ladder.changed", tier: "rating", season: null, playerId: c, oldRank: null, newRank: 3, total: 1_250, change: 1_250 })]);
    const top = await r.service.top({ tier: "rating" }, 10);
    expect(top).toMatchObject({ ok: true, source: "cache" });
    if (!top.ok) throw new Error("read");
    expect(top.value.entries.map((e) => e.entry.playerId)).toEqual([b, a, c]);
    expect((await r.store.top(RATING, 10, null)).map((e) => e.entry.playerId)).toEqual([b, a, c]);
    expect(await r.service.rankOf({ tier: "rating" }, a)).toMatchObject({ ok: true, source: "cache", value: { rank: 2 } });
    expect((await r.service.checkDrift()).repairs).toMatchObject({ rating: 0 });
  });

  it("a change that reaches the cache after a newer one sends no delta and does not roll it back", async () => {
    const pid = pick(r.ids, 8);
    const base = await r.store.rankOf(ALL, pid);
    if (base === null) throw new Error("seeded");
    const newer = fields(pid, 70_000, 9_100, 4);
    const older = fields(pid, 60_000, 9_000, 3);
    await putEntry(handle.db, ALL, newer);
    const out = await r.service.applyChanges([change("all_time", 0, older, newer), change("all_time", 0, base.entry, older)]);
    expect(out).toEqual([expect.objectContaining({ total: 70_000, newRank: 1 })]);
    expect(await r.cache.rankOf("all_time", pid)).toMatchObject({ entry: { total: 70_000, games: 4 } });
  });

  it("cache down: reads and writes still succeed; writes queue and land when it is back", async () => {
    // A service whose background retry does not fire during the test: the queue is drained by hand.
    const service = new LadderService({ cache: r.cache, store: r.store, publisher: { publish: () => undefined }, logger: silentLogger, registry: new Registry(), options: { driftIntervalMs: 0, retryBaseMs: 60_000 } });
    await service.start();
    const pid = pick(r.ids, 29);
    const before = await r.store.rankOf(ALL, pid);
    if (before === null) throw new Error("seeded");
    r.cache.down = true;
    const after = fields(pid, 50_000, 9_000, 3);
    await putEntry(handle.db, ALL, after);
    const out = await service.applyChanges([change("all_time", 0, before.entry, after)]);
    expect(out).toEqual([expect.objectContaining({ oldRank: 30, newRank: 1, total: 50_000 })]);
    expect(service.pendingWrites).toBe(1);
    // Reads answer from PostgreSQL, which already has the commit.
    expect(await service.rankOf({ tier: "all_time" }, pid)).toMatchObject({ ok: true, source: "db", value: { rank: 1 } });
    // Back up: reads stay on PostgreSQL until the queue drained, then the cache has the write.
    r.cache.down = false;
    expect(await service.top({ tier: "all_time" }, 1)).toMatchObject({ ok: true, source: "db" });
    expect(service.pendingWrites).toBe(1);
    await service.flush();
    expect(service.pendingWrites).toBe(0);
    expect(await service.rankOf({ tier: "all_time" }, pid)).toMatchObject({ ok: true, source: "cache", value: { rank: 1, entry: makeEntry(after) } });
    await service.stop();
  });

  it("cache down: queued writes are retried in the background with backoff", async () => {
    const pid = pick(r.ids, 10);
    r.cache.down = true;
    const after = fields(pid, 77_777, 9_000, 5);
    await putEntry(handle.db, ALL, after);
    await r.service.applyChanges([change("all_time", 0, null, after)]);
    await new Promise((res) => setTimeout(res, 60));
    expect(r.service.pendingWrites).toBe(1);
    r.cache.down = false;
    await expect.poll(() => r.service.pendingWrites, { timeout: 2_000, interval: 10 }).toBe(0);
    expect(await r.cache.rankOf("all_time", pid)).toMatchObject({ rank: 1, entry: { total: 77_777 } });
  });

  it("drift: deleted members, changed scores and a phantom are repaired within one check, and counted", async () => {
    const t: TierKey = "all_time";
    await r.cache.remove(t, pick(r.ids, 0));
    await r.cache.remove(t, pick(r.ids, 7));
    await r.cache.upsert(t, makeEntry(fields(pick(r.ids, 3), 1, 1, 99)), { force: true });
    await r.cache.upsert(t, makeEntry(fields(pick(r.ids, 12), 999_999, 1, 99)), { force: true });
    await deleteEntry(handle.db, ALL, pick(r.ids, 5)); // cache still has it: a phantom
    await r.cache.upsert("season:0", makeEntry(fields(pick(r.ids, 1), -5, 1, 99)), { force: true });
    const report = await r.service.checkDrift();
    expect(report.skipped).toBe(false);
    expect(report.repairs).toEqual({ all_time: 5, "season:0": 1, rating: 0 });
    expect((await r.cache.snapshot(t, 100)).map((x) => x.entry)).toEqual((await dbTop(r.store, ALL, 100)).map((x) => x.entry));
    expect(await r.cache.snapshot("season:0", 100)).toEqual(await dbTop(r.store, S0, 100));
    expect(await counterValue(r.registry, "pzo_ladder_drift_repairs_total")).toBe(6);
    expect(await r.service.checkDrift()).toMatchObject({ skipped: false, repairs: { all_time: 0, "season:0": 0 } });
  });

  it("drift: the check is skipped (not failed) while the cache is down", async () => {
    r.cache.down = true;
    expect(await r.service.checkDrift()).toMatchObject({ skipped: true });
    r.cache.down = false;
  });

  it("admin rebuild replaces the cache with PostgreSQL's ladder", async () => {
    await r.cache.replaceAll("all_time", [[makeEntry(fields(pick(r.ids, 0), 5, 5))]]);
    expect(await r.service.rebuild()).toEqual({ all_time: 30, "season:0": 30, rating: 0 });
    expect(await r.cache.snapshot("all_time", 100)).toEqual(await dbTop(r.store, ALL, 100));
  });

  it("a full write queue marks the cache for rebuild, which happens when it is back", async () => {
    const small = new LadderService({
      cache: r.cache,
      store: r.store,
      publisher: { publish: () => undefined },
      logger: silentLogger,
      registry: new Registry(),
      options: { driftIntervalMs: 0, maxPendingWrites: 2, retryBaseMs: 1_000 },
    });
    await small.start();
    r.cache.down = true;
    for (let i = 0; i < 4; i++) {
      const after = fields(pick(r.ids, i), 500_000 + i, 9_000, 9);
      await putEntry(handle.db, ALL, after);
      await small.applyChanges([change("all_time", 0, null, after)]);
    }
    expect(small.pendingWrites).toBe(2);
    r.cache.down = false;
    await small.flush();
    expect(small.pendingWrites).toBe(0);
    expect(await r.cache.snapshot("all_time", 100)).toEqual(await dbTop(r.store, ALL, 100));
    await small.stop();
  });

  it("season reset: the new season starts empty, the old one stays readable from PostgreSQL", async () => {
    const before = await r.service.top({ tier: "season" }, 5);
    expect(await r.service.resetSeason()).toEqual({ closed: 0, opened: 1 });
    expect(r.service.currentSeason()).toBe(1);
    expect(await r.service.count({ tier: "season" })).toMatchObject({ ok: true, value: 0 });
    const old = await r.service.top({ tier: "season", season: 0 }, 5);
    expect(old).toMatchObject({ ok: true, source: "db" });
    if (!old.ok || !before.ok) throw new Error("unreachable");
    expect(old.value.entries).toEqual(before.value.entries);
    expect(await r.service.count({ tier: "all_time" })).toMatchObject({ ok: true, value: 30, source: "cache" });
    const pid = pick(r.ids, 3);
    const after = fields(pid, 10, 9_000);
    await putEntry(handle.db, { tier: "season", season: 1 }, after);
    expect(await r.service.applyChanges([change("season", 1, null, after)])).toEqual([
      expect.objectContaining({ tier: "season", season: 1, oldRank: null, newRank: 1 }),
    ]);
  });

  it("removePlayer: a delta when the player was in a top 10, none otherwise", async () => {
    const top = pick(r.ids, 2);
    const known = await r.service.standingsOf(top);
    await deleteEntry(handle.db, ALL, top);
    await deleteEntry(handle.db, S0, top);
    const out = await r.service.removePlayer(top, known);
    expect(out).toEqual([
      expect.objectContaining({ type: "ladder.removed", tier: "all_time", oldRank: known.allTime?.rank, newRank: null }),
      expect.objectContaining({ type: "ladder.removed", tier: "season", season: 0, oldRank: known.season?.rank, newRank: null }),
    ]);
    expect(await r.cache.rankOf("all_time", top)).toBeNull();
    const low = pick(r.ids, 25);
    await deleteEntry(handle.db, ALL, low);
    await deleteEntry(handle.db, S0, low);
    expect(await r.service.removePlayer(low)).toEqual([]);
    expect(await r.service.count({ tier: "all_time" })).toMatchObject({ value: 28, source: "cache" });
  });

  it("removePlayer with the cache down: deltas from the standings taken before, removal queued", async () => {
    const top = pick(r.ids, 0);
    const known = await r.service.standingsOf(top);
    await deleteEntry(handle.db, ALL, top);
    await deleteEntry(handle.db, S0, top);
    r.cache.down = true;
    expect(await r.service.removePlayer(top, known)).toHaveLength(2);
    r.cache.down = false;
    await r.service.flush();
    expect(await r.cache.rankOf("all_time", top)).toBeNull();
  });
}

describe("ladder service: in-process cache, PGlite", () => {
  useDb(freshLadderDb);
  serviceSuite(() => new MemoryLadderCache());
});

const pgName = TEST_DATABASE_URL === undefined ? "ladder service: in-process cache, PostgreSQL (SKIPPED: DATABASE_URL not set)" : "ladder service: in-process cache, PostgreSQL";
if (TEST_DATABASE_URL === undefined) console.warn(`[postgres] SKIPPED: DATABASE_URL not set: "${pgName}" did not run`);
describe.skipIf(TEST_DATABASE_URL === undefined)(pgName, () => {
  useDb(freshPostgresLadderDb);
  serviceSuite(() => new MemoryLadderCache());
});

describe.skipIf(redisMissing)(redisSuiteName("ladder service: Redis cache, PGlite"), () => {
  useDb(freshLadderDb);
  let env: TestRedis | undefined;
  let n = 0;
  beforeAll(async () => {
    env = await openTestRedis(LADDER_REDIS_OPTIONS);
  });
  serviceSuite(
    () => {
      if (env === undefined) throw new Error("no redis");
      return new RedisLadderCache(env.redis, { prefix: `${env.prefix}${++n}:` });
    },
    async () => {
      await env?.cleanup();
    },
  );
});

describe("ladder service: Redis unreachable (a client aimed at a closed port)", () => {
  useDb(freshLadderDb);
  it("reads fall back to PostgreSQL and writes still succeed (queued)", async () => {
    const redis = new Redis({ host: "127.0.0.1", port: 1, ...LADDER_REDIS_OPTIONS, retryStrategy: () => 50, lazyConnect: true });
    redis.on("error", () => undefined);
    redis.connect().catch(() => undefined);
    const dead = new RedisLadderCache(redis, { prefix: "unreachable:" });
    const r0 = await rig(() => dead, 12, false);
    await r0.service.start();
    const pid = pick(r0.ids, 11);
    const after = fields(pid, 123_456, 9_000, 3);
    await putEntry(handle.db, ALL, after);
    const deltas = await r0.service.applyChanges([change("all_time", 0, null, after)]);
    expect(deltas).toEqual([expect.objectContaining({ newRank: 1, total: 123_456 })]);
    const top = await r0.service.top({ tier: "all_time" }, 3);
    expect(top).toMatchObject({ ok: true, source: "db" });
    if (top.ok) expect(top.value.entries[0]?.entry.playerId).toBe(pid);
    expect(await r0.service.around({ tier: "season" }, pid, 1)).toMatchObject({ ok: true, source: "db" });
    expect(await r0.service.checkDrift()).toMatchObject({ skipped: true });
    await r0.service.stop();
    redis.disconnect();
  });
});
