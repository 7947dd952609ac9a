/**
 * The ladder cache contract: one suite, run against the in-process index always and against
 * Redis when REDIS_URL is set, in the same run. Rule ids (L1-L5) refer to `ranking.ts`.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestRedis, redisMissing, redisSuiteName, type TestRedis } from "../../test/support/redis.js";
import type { PlayerId } from "../game/types.js";
import { decodeCursor, InvalidCursorError, type LadderCache, type TierKey } from "./cache.js";
import { MemoryLadderCache } from "./memoryCache.js";
import { makeEntry, rankEntries, toPlayerId, type LadderEntry } from "./ranking.js";
import { LADDER_REDIS_OPTIONS, RedisLadderCache } from "./redisCache.js";
import { MAX_REACHED_AT } from "./sortKey.js";

const MAX = Number.MAX_SAFE_INTEGER;
const MIN = Number.MIN_SAFE_INTEGER;
const SEED = 0xc0_47_ac_75;

const pid = (s: string): PlayerId => toPlayerId(s);
function entry(id: string, total: number, at: number, games = 1): LadderEntry {
  return makeEntry({ playerId: pid(id), total, highest: total, games, wins: 0, firstReachedAt: at });
}
const ids = (page: readonly { entry: LadderEntry }[]): string[] => page.map((r) => r.entry.playerId);

let tierCounter = 0;
/** A fresh season tier per test, so tests never see each other's data. */
const freshTier = (): TierKey => `season:${++tierCounter}`;

function cacheContract(getCache: () => LadderCache): void {
  it("an empty tier has no entries, no ranks and a count of 0", async () => {
    const c = getCache();
    const t = freshTier();
    expect(await c.count(t)).toBe(0);
    expect(await c.top(t, 10)).toEqual({ entries: [], nextCursor: null });
    expect(await c.rankOf(t, pid("nobody"))).toBeNull();
    expect(await c.around(t, pid("nobody"), 3)).toBeNull();
    expect(await c.remove(t, pid("nobody"))).toBeNull();
  });

  it("L1: orders by total descending, negatives below zero", async () => {
    const c = getCache();
    const t = freshTier();
    for (const e of [entry("a", -5, 1), entry("b", 10, 1), entry("c", 0, 1), entry("d", 3, 1)]) await c.upsert(t, e);
    expect(ids((await c.top(t, 10)).entries)).toEqual(["b", "d", "c", "a"]);
    expect((await c.top(t, 10)).entries.map((r) => r.rank)).toEqual([1, 2, 3, 4]);
    expect(await c.count(t)).toBe(4);
  });

  it("L2: a tie goes to whoever reached the total first, with ties created in both orders", async () => {
    const c = getCache();
    const early = entry("zed", 1000, 5_000);
    const late = entry("amy", 1000, 5_001);
    const t1 = freshTier();
    await c.upsert(t1, early);
    await c.upsert(t1, late);
    const t2 = freshTier();
    await c.upsert(t2, late);
    await c.upsert(t2, early);
    for (const t of [t1, t2]) {
      expect(ids((await c.top(t, 10)).entries)).toEqual(["zed", "amy"]);
      expect(await c.rankOf(t, pid("zed"))).toEqual({ rank: 1, entry: early });
      expect(await c.rankOf(t, pid("amy"))).toEqual({ rank: 2, entry: late });
    }
    // A player who later reaches the same total ranks after both: created by an update.
    await c.upsert(t1, entry("bob", 900, 1));
    const r = await c.upsert(t1, entry("bob", 1000, 6_000, 2));
    expect(r).toEqual({ applied: true, oldRank: 3, newRank: 3 });
    expect(ids((await c.top(t1, 10)).entries)).toEqual(["zed", "amy", "bob"]);
  });

  it("L3: same total, same millisecond: playerId ascending; ranks are distinct", async () => {
    const c = getCache();
    const t = freshTier();
    for (const id of ["c", "abc", "b", "ab", "a"]) await c.upsert(t, entry(id, 7, 42));
    expect(ids((await c.top(t, 10)).entries)).toEqual(["a", "ab", "abc", "b", "c"]);
  });

  it("upsert reports the old and new rank, and moves the player (its old key is gone)", async () => {
    const c = getCache();
    const t = freshTier();
    expect(await c.upsert(t, entry("a", 10, 1))).toEqual({ applied: true, oldRank: null, newRank: 1 });
    expect(await c.upsert(t, entry("b", 20, 1))).toEqual({ applied: true, oldRank: null, newRank: 1 });
    expect(await c.upsert(t, entry("a", 30, 2, 2))).toEqual({ applied: true, oldRank: 2, newRank: 1 });
    expect(await c.upsert(t, entry("a", 5, 3, 3))).toEqual({ applied: true, oldRank: 1, newRank: 2 });
    expect(await c.count(t)).toBe(2);
    expect(await c.rankOf(t, pid("a"))).toEqual({ rank: 2, entry: entry("a", 5, 3, 3) });
  });

  it("a stale write (fewer games than cached) is skipped unless forced", async () => {
    const c = getCache();
    const t = freshTier();
    await c.upsert(t, entry("a", 50, 1, 5));
    expect(await c.upsert(t, entry("a", 40, 2, 4))).toEqual({ applied: false, oldRank: 1, newRank: 1 });
    expect((await c.rankOf(t, pid("a")))?.entry.total).toBe(50);
    expect(await c.upsert(t, entry("a", 40, 2, 4), { force: true })).toEqual({ applied: true, oldRank: 1, newRank: 1 });
    expect((await c.rankOf(t, pid("a")))?.entry.total).toBe(40);
  });

  it("sort key edges: MAX_SAFE, MIN_SAFE, 0, epoch and year 9999 round-trip exactly and in order", async () => {
    const c = getCache();
    const t = freshTier();
    const edge = [
      entry("min", MIN, 0),
      entry("max-late", MAX, MAX_REACHED_AT),
      entry("zero", 0, MAX_REACHED_AT),
      entry("max-early", MAX, 0),
      entry("max-mid", MAX, MAX_REACHED_AT - 1),
      entry("min-late", MIN, MAX_REACHED_AT),
      entry("zero-early", 0, 1),
      entry("below-max", MAX - 1, 0),
      entry("above-min", MIN + 1, MAX_REACHED_AT),
      entry("\u{1F600}-astral", 0, 1),
      entry("\uFF5E-bmp", 0, 1),
    ];
    for (const e of edge) await c.upsert(t, e);
    const got = (await c.top(t, 100)).entries;
    expect(got).toEqual(rankEntries(edge));
    expect(ids(got)).toEqual(["max-early", "max-mid", "max-late", "below-max", "zero-early", "\uFF5E-bmp", "\u{1F600}-astral", "zero", "above-min", "min", "min-late"]);
    for (const r of got) expect(await c.rankOf(t, r.entry.playerId)).toEqual(r);
  });

  it("refuses entries outside the sort key's range", async () => {
    const c = getCache();
    const t = freshTier();
    await expect(c.upsert(t, entry("x", MAX + 1, 0))).rejects.toThrow(RangeError);
    await expect(c.upsert(t, entry("x", 1, MAX_REACHED_AT + 1))).rejects.toThrow(RangeError);
    expect(await c.count(t)).toBe(0);
  });

  it("pagination: pages of 7 walk the whole ladder (with ties) once, ranks continuous", async () => {
    const c = getCache();
    const t = freshTier();
    const all: LadderEntry[] = [];
    for (let i = 0; i < 25; i++) all.push(entry(`p${String(i).padStart(2, "0")}`, i % 4, i % 3));
    for (const e of all) await c.upsert(t, e);
    const seen: { rank: number; entry: LadderEntry }[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await c.top(t, 7, cursor);
      seen.push(...page.entries);
      cursor = page.nextCursor;
      pages++;
      if (cursor !== null) expect(decodeCursor(cursor)).not.toBeNull();
    } while (cursor !== null);
    expect(pages).toBe(4);
    expect(seen).toEqual(rankEntries(all));
  });

  it("pagination: an exact-fit last page has no next cursor", async () => {
    const c = getCache();
    const t = freshTier();
    for (let i = 0; i < 6; i++) await c.upsert(t, entry(`p${i}`, i, 0));
    const first = await c.top(t, 3);
    expect(first.nextCursor).not.toBeNull();
    const second = await c.top(t, 3, first.nextCursor);
    expect(ids(second.entries)).toEqual(["p2", "p1", "p0"]);
    expect(second.nextCursor).toBeNull();
  });

  it("pagination: a cursor continues after its key even when that player moved or left", async () => {
    const c = getCache();
    const t = freshTier();
    for (let i = 0; i < 10; i++) await c.upsert(t, entry(`p${i}`, 100 - i, 0));
    const first = await c.top(t, 3);
    expect(ids(first.entries)).toEqual(["p0", "p1", "p2"]);
    // The cursor's player (p2) leaves, and a player from a later page jumps to the top.
    await c.remove(t, pid("p2"));
    await c.upsert(t, entry("p9", 1000, 1, 2));
    const second = await c.top(t, 3, first.nextCursor);
    expect(ids(second.entries)).toEqual(["p3", "p4", "p5"]);
    expect(second.entries.map((r) => r.rank)).toEqual([4, 5, 6]);
    // The cursor's player moved down: continue after the old key all the same.
    const third = await c.top(t, 2, second.nextCursor);
    await c.upsert(t, entry("p7", 1, 1, 2));
    expect(ids((await c.top(t, 2, third.nextCursor)).entries)).toEqual(["p8", "p7"]);
  });

  it("pagination: a cursor inside a band of equal totals resumes inside the band", async () => {
    const c = getCache();
    const t = freshTier();
    for (const id of ["a", "b", "c", "d", "e"]) await c.upsert(t, entry(id, 5, 9));
    const first = await c.top(t, 2);
    await c.remove(t, pid("b"));
    expect(ids((await c.top(t, 2, first.nextCursor)).entries)).toEqual(["c", "d"]);
  });

  it("a malformed cursor is refused with InvalidCursorError", async () => {
    const c = getCache();
    const t = freshTier();
    await expect(c.top(t, 5, "not a cursor!")).rejects.toBeInstanceOf(InvalidCursorError);
    await expect(c.top(t, 5, Buffer.from('{"v":1,"t":1e300,"f":0,"p":"x"}').toString("base64url"))).rejects.toBeInstanceOf(InvalidCursorError);
  });

  it("around-me: at the top, in the middle, at the bottom, radius 0", async () => {
    const c = getCache();
    const t = freshTier();
    for (let i = 0; i < 9; i++) await c.upsert(t, entry(`p${i}`, 100 - i, 0));
    const around = async (id: string, r: number): Promise<number[] | null> => (await c.around(t, pid(id), r))?.map((x) => x.rank) ?? null;
    expect(await around("p0", 2)).toEqual([1, 2, 3]);
    expect(await around("p4", 2)).toEqual([3, 4, 5, 6, 7]);
    expect(await around("p8", 2)).toEqual([7, 8, 9]);
    expect(await around("p4", 0)).toEqual([5]);
    expect(await around("p4", 100)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(ids((await c.around(t, pid("p4"), 1)) ?? [])).toEqual(["p3", "p4", "p5"]);
    expect(await around("absent", 2)).toBeNull();
  });

  it("deletion: remove returns the rank it had; players below move up; count drops", async () => {
    const c = getCache();
    const t = freshTier();
    for (let i = 0; i < 5; i++) await c.upsert(t, entry(`p${i}`, 100 - i, 0));
    expect(await c.remove(t, pid("p1"))).toEqual({ rank: 2, entry: entry("p1", 99, 0) });
    expect(await c.remove(t, pid("p1"))).toBeNull();
    expect(await c.count(t)).toBe(4);
    expect(await c.rankOf(t, pid("p1"))).toBeNull();
    expect(await c.rankOf(t, pid("p2"))).toMatchObject({ rank: 2 });
    expect(ids((await c.top(t, 10)).entries)).toEqual(["p0", "p2", "p3", "p4"]);
  });

  it("tiers are independent", async () => {
    const c = getCache();
    const t1 = freshTier();
    const t2 = freshTier();
    await c.upsert(t1, entry("a", 1, 0));
    await c.upsert(t2, entry("a", 99, 0));
    await c.upsert(t2, entry("b", 50, 0));
    expect(await c.rankOf(t1, pid("a"))).toMatchObject({ rank: 1, entry: { total: 1 } });
    expect(await c.count(t1)).toBe(1);
    await c.remove(t2, pid("a"));
    expect(await c.count(t1)).toBe(1);
  });

  it("rebuild: replaceAll swaps in exactly the given entries (last one wins per player)", async () => {
    const c = getCache();
    const t = freshTier();
    for (let i = 0; i < 5; i++) await c.upsert(t, entry(`old${i}`, i, 0));
    const fresh = Array.from({ length: 30 }, (_, i) => entry(`new${i}`, (i * 37) % 11, i % 5));
    async function* batches(): AsyncGenerator<readonly LadderEntry[]> {
      yield await Promise.resolve(fresh.slice(0, 12));
      yield fresh.slice(12);
      yield [entry("new0", 500, 7, 3)];
    }
    expect(await c.replaceAll(t, batches())).toBe(30);
    expect(await c.count(t)).toBe(30);
    expect(await c.rankOf(t, pid("old1"))).toBeNull();
    const expected = rankEntries([entry("new0", 500, 7, 3), ...fresh.slice(1)]);
    expect((await c.top(t, 100)).entries).toEqual(expected);
    expect(await c.snapshot(t, 5)).toEqual(expected.slice(0, 5));
    expect(await c.replaceAll(t, [[]])).toBe(0);
    expect(await c.count(t)).toBe(0);
  });

  it("property: random upserts and removes agree with the rules (fixed seed)", async () => {
    const c = getCache();
    const op = fc.record({ remove: fc.boolean(), id: fc.constantFrom("a", "b", "c", "d", "e", "f"), total: fc.integer({ min: -3, max: 3 }), at: fc.integer({ min: 0, max: 2 }) });
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (ops) => {
        const t = freshTier();
        const ref = new Map<string, LadderEntry>();
        let games = 0;
        for (const o of ops) {
          if (o.remove) {
            await c.remove(t, pid(o.id));
            ref.delete(o.id);
          } else {
            const e = entry(o.id, o.total, o.at, ++games);
            await c.upsert(t, e);
            ref.set(o.id, e);
          }
        }
        const expected = rankEntries([...ref.values()]);
        expect((await c.top(t, 50)).entries).toEqual(expected);
        expect(await c.count(t)).toBe(expected.length);
        for (const r of expected) expect(await c.rankOf(t, r.entry.playerId)).toEqual(r);
      }),
      { seed: SEED, numRuns: 40 },
    );
  });
}

describe("ladder cache contract: in-process index", () => {
  const cache = new MemoryLadderCache();
  cacheContract(() => cache);
});

describe.skipIf(redisMissing)(redisSuiteName("ladder cache contract: Redis sorted sets"), () => {
  let env: TestRedis;
  let cache: RedisLadderCache;
  beforeAll(async () => {
    env = await openTestRedis(LADDER_REDIS_OPTIONS);
    cache = new RedisLadderCache(env.redis, { prefix: env.prefix, rebuildChunk: 7 });
  });
  afterAll(async () => {
    await env.cleanup();
  });
  cacheContract(() => cache);
});
