/**
 * `npm run bench:ladder`: seeds 1,000,000 players into each ladder cache and prints p50/p99
 * latencies of the service's reads and of submissions, on Redis (when REDIS_URL is set) and
 * in-process, with raw ZREVRANGE / ZREVRANK through ioredis alongside.
 *
 * What is measured, one operation at a time (sequential awaits, so a latency is one request):
 * - top-10: `service.top({ tier: "all_time" }, 10)` (one Lua call: ZREVRANGE + HMGET, parsed);
 * - rank-of-player: `service.rankOf(...)` for a random seeded player (HGET + ZREVRANK + HGET);
 * - around-me: `service.around(..., radius 5)` for a random player (11 entries);
 * - submission (cache write path): `ActionTokens.verify` of a fresh token (HMAC-SHA256), then
 *   `service.applyChanges` with one change per tier (all-time and season): two atomic cache
 *   upserts that return old and new ranks, two deltas built and published in-process. The
 *   PostgreSQL write is NOT included;
 * - submission (whole path), when DATABASE_URL is set: `ScoreSubmissionService.submit` as
 *   `POST /api/ladder/scores` runs it minus HTTP: the token check, the one PostgreSQL statement
 *   (both tiers, audit rows, the consumed token) on a database seeded with the same 1,000,000
 *   players, then the cache path above on this backend's cache. At concurrency 1 and 16, with
 *   the CPU per submission of this process and of the PostgreSQL backends. This is the figure
 *   the submissions target (p99 <= 20 ms) is about;
 * - the rating tier (`tier: "rating"`, skill ratings as totals: many equal totals, so the
 *   first-reached tie-break is exercised): top-10 and rank-of-player alternating request by
 *   request with the same all-time read, and around-me; the p99 ratio rating / all-time is the
 *   "rating reads within 2x of the points tiers" figure;
 * - raw: `ZREVRANGE key 0 9` and `ZREVRANK key member` on the same sorted set, the member
 *   computed beforehand. Service and raw requests alternate one by one (top-10 with
 *   ZREVRANGE, rank with ZREVRANK), so the overhead ratio compares like with like even when
 *   other work on the machine comes and goes.
 *
 * Seeding: 1,000,000 players in the all-time tier, 200,000 of them in the season tier
 * (a season is younger than all time) and 500,000 in the rating tier (shown ratings -2,500 ..
 * 4,500), through `replaceAll` (pipelined variadic commands).
 * Redis keys use their own random prefix and are deleted at the end.
 *
 * PostgreSQL (when DATABASE_URL is set): its own database, dropped at the end, seeded with the
 * same players (bulk `unnest` inserts, then VACUUM ANALYZE), with accounts for 2,000 submitting
 * players per backend (disjoint, so each backend's cache starts in step with PostgreSQL).
 *
 * Environment: REDIS_URL (optional), DATABASE_URL (optional, an admin connection),
 * LADDER_BENCH_PLAYERS (default 1000000), LADDER_BENCH_OPS (reads per measurement, default
 * 20000), LADDER_BENCH_WHOLE_OPS (whole-path submissions per concurrency, default 3000).
 */
import { randomBytes } from "node:crypto";
import { cpus, loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import { Registry } from "prom-client";
import { ActionTokens } from "../actionTokens.js";
import type { LadderCache } from "../cache.js";
import { InProcessDeltaPublisher } from "../deltas.js";
import { MemoryLadderCache } from "../memoryCache.js";
import { makeEntry, silentLogger, toPlayerId, type LadderEntry } from "../ranking.js";
import { LADDER_REDIS_OPTIONS, RedisLadderCache, storedMember } from "../redisCache.js";
import { LadderService, type LadderChange } from "../service.js";
import type { LadderStore } from "../store.js";
import type { DatabaseHandle } from "../../../db/client.js";
import { PgLadderStore } from "../../../db/ladderStore.js";
import { ScoreSubmissionService } from "../submission.js";
import { freshPostgresLadderDb } from "../testing/ladderDb.js";
import { formatWholePath, makePlayers, mulberry32, runSubmissions, seedBenchDb } from "./wholePath.js";

const PLAYERS = Number(process.env["LADDER_BENCH_PLAYERS"] ?? 1_000_000);
const SEASON_PLAYERS = Math.min(PLAYERS, Math.max(1, Math.floor(PLAYERS / 5)));
const RATING_PLAYERS = Math.min(PLAYERS, Math.max(1, Math.floor(PLAYERS / 2)));
const OPS = Number(process.env["LADDER_BENCH_OPS"] ?? 20_000);
const SUBMISSIONS = Math.max(1_000, Math.floor(OPS / 4));
/** Whole-path submissions per concurrency (1 and 16), and accounts submitting them per backend. */
const WHOLE_SUBMISSIONS = Number(process.env["LADDER_BENCH_WHOLE_OPS"] ?? 3_000);
const WHOLE_SUBMITTERS = 2_000;
const WARMUP = 1_000;
const RADIUS = 5;

/** The rating tier's entries: shown ratings in -2,500 .. 4,500 (deterministic), so many totals are equal. */
function ratingEntries(players: readonly LadderEntry[]): LadderEntry[] {
  const rand = mulberry32(7);
  return players.slice(0, RATING_PLAYERS).map((p) => {
    const total = Math.floor(rand() * 7_001) - 2_500;
    const games = 1 + Math.floor(rand() * 200);
    return makeEntry({ playerId: p.playerId, total, highest: total + Math.floor(rand() * 300), games, wins: Math.floor(games / 4), firstReachedAt: p.firstReachedAt });
  });
}

function* batches(entries: readonly LadderEntry[], size: number): Generator<readonly LadderEntry[]> {
  for (let i = 0; i < entries.length; i += size) yield entries.slice(i, i + size);
}

/** A store the bench never reaches (the cache stays healthy); it fails loudly if it is. */
const unusedStore: LadderStore = {
  top: () => Promise.reject(new Error("bench: store reached")),
  rankOf: () => Promise.reject(new Error("bench: store reached")),
  around: () => Promise.reject(new Error("bench: store reached")),
  count: () => Promise.reject(new Error("bench: store reached")),
  countAhead: () => Promise.reject(new Error("bench: store reached")),
  entriesOf: () => Promise.reject(new Error("bench: store reached")),
  allEntries: () => ({
    [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new Error("bench: store reached")) }),
  }),
  currentSeason: () => Promise.resolve(0),
  startNextSeason: () => Promise.reject(new Error("bench: store reached")),
};

interface Stat {
  readonly p50: number;
  readonly p99: number;
  readonly n: number;
}

async function measure(n: number, op: (i: number) => Promise<unknown>): Promise<Stat> {
  for (let i = 0; i < Math.min(WARMUP, n); i++) await op(i);
  const samples = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await op(i);
    samples[i] = performance.now() - t0;
  }
  return percentiles(samples);
}

/** Measures two operations alternately (a, b, a, b, ...), so both see the same conditions. */
async function measurePair(n: number, a: (i: number) => Promise<unknown>, b: (i: number) => Promise<unknown>): Promise<[Stat, Stat]> {
  for (let i = 0; i < Math.min(WARMUP, n); i++) {
    await a(i);
    await b(i);
  }
  const sa = new Float64Array(n);
  const sb = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let t0 = performance.now();
    await a(i);
    sa[i] = performance.now() - t0;
    t0 = performance.now();
    await b(i);
    sb[i] = performance.now() - t0;
  }
  return [percentiles(sa), percentiles(sb)];
}

function percentiles(samples: Float64Array): Stat {
  samples.sort();
  const n = samples.length;
  const at = (q: number): number => samples[Math.min(n - 1, Math.floor(q * n))] ?? Number.NaN;
  return { p50: at(0.5), p99: at(0.99), n };
}

const rows: { backend: string; op: string; stat: Stat; target: string; pass: boolean | null }[] = [];
function report(backend: string, op: string, stat: Stat, targetMs: number | null, note = ""): void {
  const pass = targetMs === null ? null : stat.p99 <= targetMs;
  rows.push({ backend, op, stat, target: targetMs === null ? note : `p99 <= ${targetMs} ms${note}`, pass });
  console.log(`  ${backend.padEnd(10)} ${op.padEnd(28)} p50 ${stat.p50.toFixed(3).padStart(7)} ms   p99 ${stat.p99.toFixed(3).padStart(7)} ms   (n=${stat.n})`);
}

/** The PostgreSQL side of the whole-path submission rows (when DATABASE_URL is set). */
interface PgBench {
  readonly handle: DatabaseHandle;
  /** Disjoint submitting accounts per backend, so each backend's cache starts in step with PostgreSQL. */
  readonly userIds: ReadonlyMap<string, readonly string[]>;
}

async function benchBackend(name: string, cache: LadderCache, players: readonly LadderEntry[], raw: { redis: Redis; cache: RedisLadderCache } | null, pg: PgBench | null): Promise<void> {
  console.log(`\n[${name}] seeding ${players.length.toLocaleString("en")} all-time players and ${SEASON_PLAYERS.toLocaleString("en")} season players ...`);
  const t0 = performance.now();
  await cache.replaceAll("all_time", batches(players, 10_000));
  await cache.replaceAll("season:0", batches(players.slice(0, SEASON_PLAYERS), 10_000));
  const rated = ratingEntries(players);
  await cache.replaceAll("rating", batches(rated, 10_000));
  console.log(`[${name}] seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s; count=${await cache.count("all_time")}`);
  // Let the collector finish with the seeding garbage before timing (seeding allocates GBs).
  await sleep(3_000);

  const service = new LadderService({ cache, store: unusedStore, publisher: new InProcessDeltaPublisher(100), logger: silentLogger, registry: new Registry(), options: { driftIntervalMs: 0 } });
  const rand = mulberry32(42);
  const pick = (): LadderEntry => players[Math.floor(rand() * SEASON_PLAYERS)] ?? players[0] ?? makeEntry({ playerId: toPlayerId("x"), total: 0, highest: 0, games: 0, wins: 0, firstReachedAt: 0 });
  const expectOk = (r: { ok: boolean; source?: string }): void => {
    if (!r.ok || r.source !== "cache") throw new Error(`bench: read not served by the cache: ${JSON.stringify(r)}`);
  };

  const serviceTop = async (): Promise<void> => expectOk(await service.top({ tier: "all_time" }, 10));
  const serviceRank = async (): Promise<void> => expectOk(await service.rankOf({ tier: "all_time" }, pick().playerId));
  if (raw === null) {
    report(name, "service top-10", await measure(OPS, serviceTop), 2);
    report(name, "service rank-of-player", await measure(OPS, serviceRank), 2);
  } else {
    // Service and raw commands alternate request by request, so both see the same machine.
    const k = raw.cache.keys("all_time");
    // The stored members (sort key + fields), computed before timing: raw pays no encoding.
    const members = Array.from({ length: 4_096 }, () => storedMember(pick()).member);
    const rawTop = async (): Promise<void> => {
      await raw.redis.zrevrange(k.z, 0, 9);
    };
    const rawRank = async (i: number): Promise<void> => {
      if ((await raw.redis.zrevrank(k.z, members[i % members.length] ?? "")) === null) throw new Error("bench: raw ZREVRANK missed");
    };
    const [top, rawTopStat] = await measurePair(OPS, serviceTop, rawTop);
    const [rank, rawRankStat] = await measurePair(OPS, serviceRank, rawRank);
    report(name, "service top-10", top, 2);
    report(name, "service rank-of-player", rank, 2);
    report(name, "raw ZREVRANGE 0 9", rawTopStat, null, "baseline");
    report(name, "raw ZREVRANK", rawRankStat, null, "baseline");
    const ratio = (a: Stat, b: Stat): string => `p50 ${(a.p50 / b.p50).toFixed(2)}x, p99 ${(a.p99 / b.p99).toFixed(2)}x`;
    const okTop = top.p99 / rawTopStat.p99 <= 2;
    const okRank = rank.p99 / rawRankStat.p99 <= 2;
    console.log(`  ${name.padEnd(10)} overhead top-10 vs ZREVRANGE: ${ratio(top, rawTopStat)}   rank vs ZREVRANK: ${ratio(rank, rawRankStat)}   (target <= 2x at p99: ${okTop && okRank ? "PASS" : "FAIL"})`);
    rows.push({ backend: name, op: "service/raw overhead (p99)", stat: { p50: Math.max(top.p50 / rawTopStat.p50, rank.p50 / rawRankStat.p50), p99: Math.max(top.p99 / rawTopStat.p99, rank.p99 / rawRankStat.p99), n: 0 }, target: "<= 2x", pass: okTop && okRank });
  }
  report(name, `service around-me (r=${RADIUS})`, await measure(OPS, async () => expectOk(await service.around({ tier: "all_time" }, pick().playerId, RADIUS))), 2);

  // The rating tier: the same cache and ordering code. Its reads alternate with the all-time
  // tier's, request by request, so the ratio compares like with like.
  const pickRated = (): LadderEntry => rated[Math.floor(rand() * rated.length)] ?? pick();
  const [ratingTop, pointsTop] = await measurePair(OPS, async () => expectOk(await service.top({ tier: "rating" }, 10)), serviceTop);
  const [ratingRank, pointsRank] = await measurePair(OPS, async () => expectOk(await service.rankOf({ tier: "rating" }, pickRated().playerId)), serviceRank);
  report(name, "rating top-10", ratingTop, 2);
  report(name, "rating rank-of-player", ratingRank, 2);
  report(name, `rating around-me (r=${RADIUS})`, await measure(OPS, async () => expectOk(await service.around({ tier: "rating" }, pickRated().playerId, RADIUS))), 2);
  const okRating = ratingTop.p99 / pointsTop.p99 <= 2 && ratingRank.p99 / pointsRank.p99 <= 2;
  console.log(
    `  ${name.padEnd(10)} rating vs all-time (alternating): top-10 p99 ${(ratingTop.p99 / pointsTop.p99).toFixed(2)}x, rank p99 ${(ratingRank.p99 / pointsRank.p99).toFixed(2)}x   (target <= 2x: ${okRating ? "PASS" : "FAIL"})`,
  );
  rows.push({ backend: name, op: "rating/points overhead (p99)", stat: { p50: Math.max(ratingTop.p50 / pointsTop.p50, ratingRank.p50 / pointsRank.p50), p99: Math.max(ratingTop.p99 / pointsTop.p99, ratingRank.p99 / pointsRank.p99), n: 0 }, target: "<= 2x", pass: okRating });

  const tokens = new ActionTokens(randomBytes(32));
  const now = Date.now();
  const subs = players.slice(0, SUBMISSIONS).map((p, i) => ({ p, token: tokens.issue({ actionId: `bench_${i}`, userId: "bench-user", maxScore: 1_000, expiresAt: now + 3_600_000 }) }));
  const current = new Map<string, LadderEntry>();
  const submission = await measure(SUBMISSIONS, async (i) => {
    const s = subs[i % subs.length];
    if (s === undefined) return;
    const v = tokens.verify(s.token, now, "bench-user", 25);
    if (!v.ok) throw new Error(v.code);
    const before = current.get(s.p.playerId) ?? s.p;
    const after = makeEntry({ ...before, total: before.total + 25, games: before.games + 1, highest: Math.max(before.highest, 25), firstReachedAt: Date.now() });
    current.set(s.p.playerId, after);
    const change = (tier: "all_time" | "season"): LadderChange => ({
      playerId: after.playerId,
      tier,
      season: 0,
      oldTotal: before.total,
      newTotal: after.total,
      delta: 25,
      highestScore: after.highest,
      gamesPlayed: after.games,
      wins: after.wins,
      scoreFirstReachedAt: new Date(after.firstReachedAt),
    });
    const deltas = await service.applyChanges([change("all_time"), change("season")]);
    if (deltas.length !== 2 || service.pendingWrites > 0) throw new Error("bench: a cache write failed");
  });
  report(name, "submission (cache path)", submission, 20);
  await service.stop();

  if (pg === null) {
    console.log(`  ${name.padEnd(10)} submission (whole path)      SKIPPED: DATABASE_URL not set (set it for the whole path: token, PostgreSQL, then this cache)`);
    return;
  }
  // The whole path, as POST /api/ladder/scores runs it minus HTTP: token check, the PostgreSQL
  // statement (both tiers, audit rows, the consumed token) on the 1M-player ladder, then this
  // cache (two upserts with ranks) and the deltas.
  const whole = new LadderService({ cache, store: new PgLadderStore(pg.handle.db), publisher: new InProcessDeltaPublisher(100), logger: silentLogger, registry: new Registry(), options: { driftIntervalMs: 0 } });
  await whole.start();
  const wholeTokens = new ActionTokens(randomBytes(32));
  const submissions = new ScoreSubmissionService({ db: pg.handle.db, tokens: wholeTokens, ladder: whole, logger: silentLogger, registry: new Registry() });
  for (const concurrency of [1, 16]) {
    const s = await runSubmissions({ db: pg.handle.db, submissions, tokens: wholeTokens, userIds: pg.userIds.get(name) ?? [], n: WHOLE_SUBMISSIONS, concurrency });
    if (whole.pendingWrites > 0) throw new Error("bench: a cache write failed on the whole path");
    report(name, `submission (whole path, c=${concurrency})`, { p50: s.p50, p99: s.p99, n: s.n }, 20);
    console.log(`  ${name.padEnd(10)}   ${formatWholePath(s)}`);
  }
  await whole.stop();
}

async function main(): Promise<void> {
  console.log(`ladder bench: ${PLAYERS.toLocaleString("en")} players, ${OPS.toLocaleString("en")} ops per read measurement, ${SUBMISSIONS.toLocaleString("en")} submissions`);
  console.log(`command: npm run bench:ladder   (REDIS_URL=${process.env["REDIS_URL"] ?? "unset"})   node ${process.version}`);
  console.log("submission (cache path) = ActionTokens.verify (HMAC-SHA256) + service.applyChanges for 2 tiers (2 atomic cache upserts returning old/new rank, 2 deltas published in-process); no PostgreSQL");
  console.log("submission (whole path) = ScoreSubmissionService.submit: token check + the PostgreSQL statement (both tiers, 2 audit rows, the consumed token; committed) on the seeded ladder + the cache path; needs DATABASE_URL");
  const load = (): string => `load average ${loadavg().map((x) => x.toFixed(2)).join(" ")} on ${cpus().length} cores`;
  console.log(`machine: ${load()} (other work on the machine inflates p99s; compare the raw Redis rows)`);
  const t0 = performance.now();
  const players = makePlayers(PLAYERS);
  console.log(`generated players in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  let pg: PgBench | null = null;
  const dbUrl = process.env["DATABASE_URL"];
  if (dbUrl !== undefined && dbUrl !== "") {
    const t1 = performance.now();
    const handle = await freshPostgresLadderDb();
    // Submitters come after the cache-path bench's players, inside the season tier, one range per backend.
    const range = (k: number): number[] => Array.from({ length: WHOLE_SUBMITTERS }, (_, i) => (SUBMISSIONS + k * WHOLE_SUBMITTERS + i) % SEASON_PLAYERS);
    const backends = ["redis", "in-process"];
    const ids = await seedBenchDb(handle.url, players, SEASON_PLAYERS, backends.flatMap((_, k) => range(k)));
    pg = { handle, userIds: new Map(backends.map((b, k) => [b, ids.slice(k * WHOLE_SUBMITTERS, (k + 1) * WHOLE_SUBMITTERS)])) };
    console.log(`[postgres] seeded ${PLAYERS.toLocaleString("en")} players, ${(PLAYERS + SEASON_PLAYERS).toLocaleString("en")} ladder rows (bulk unnest, then VACUUM ANALYZE and CHECKPOINT) in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
  } else {
    console.log("[postgres] SKIPPED: DATABASE_URL not set: no whole-path submission rows (only the cache path)");
  }
  try {
    await benchCaches(players, pg);
  } finally {
    await pg?.handle.close();
  }

  console.log("\nsummary (targets: reads p99 <= 2 ms; submissions p99 <= 20 ms; service/raw Redis <= 2x; rating/all-time reads <= 2x)");
  for (const r of rows) {
    const verdict = r.pass === null ? "" : r.pass ? "PASS" : "FAIL";
    const fig = r.op.includes("overhead") ? `${r.stat.p99.toFixed(2)}x` : `p50 ${r.stat.p50.toFixed(3)} ms, p99 ${r.stat.p99.toFixed(3)} ms`;
    console.log(`  ${r.backend.padEnd(10)} ${r.op.padEnd(30)} ${fig.padEnd(34)} ${r.target.padEnd(16)} ${verdict}`);
  }
  console.log(`total ${((performance.now() - t0) / 1000).toFixed(1)} s; at the end: ${load()}`);
}

async function benchCaches(players: readonly LadderEntry[], pg: PgBench | null): Promise<void> {
  const url = process.env["REDIS_URL"];
  if (url !== undefined && url !== "") {
    const redis = new Redis(url, { ...LADDER_REDIS_OPTIONS, commandTimeout: 60_000, lazyConnect: true });
    await redis.connect();
    const prefix = `bench:${randomBytes(6).toString("hex")}:`;
    const cache = new RedisLadderCache(redis, { prefix, rebuildChunk: 1_000 });
    try {
      await benchBackend("redis", cache, players, { redis, cache }, pg);
    } finally {
      await cache.drop("all_time");
      await cache.drop("season:0");
      await cache.drop("rating");
      let cursor = "0";
      do {
        const [next, left] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
        cursor = next;
        if (left.length > 0) await redis.unlink(...left);
      } while (cursor !== "0");
      redis.disconnect();
    }
  } else {
    console.log("\n[redis] SKIPPED: REDIS_URL not set (set it to bench Redis and raw ZREVRANGE / ZREVRANK)");
  }

  await benchBackend("in-process", new MemoryLadderCache(), players, null, pg);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
