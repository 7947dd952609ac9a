/**
 * The whole score-submission path on PostgreSQL, shared by `bench:submissions` and
 * `bench:ladder`: seeding a bench database fast, and timing `ScoreSubmissionService.submit`
 * (token check, the one PostgreSQL statement, then the cache and the deltas) at a concurrency,
 * with the CPU each submission cost in this process and in the PostgreSQL backends.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import postgres from "postgres";
import { sql } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "../../../db/client.js";
import type { ActionTokens } from "../actionTokens.js";
import { makeEntry, toPlayerId, type LadderEntry } from "../ranking.js";
import type { ScoreSubmissionService } from "../submission.js";

/** Deterministic PRNG (mulberry32), so every run seeds the same ladder. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function uuidFrom(rand: () => number): string {
  let hex = "";
  for (let i = 0; i < 4; i++) hex += Math.floor(rand() * 0x1_0000_0000).toString(16).padStart(8, "0");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** 1M players: totals clustered (many ties), first-reached times over a year. */
export function makePlayers(n: number): LadderEntry[] {
  const rand = mulberry32(0x1add3);
  const base = Date.UTC(2026, 0, 1);
  const out: LadderEntry[] = [];
  for (let i = 0; i < n; i++) {
    const games = 1 + Math.floor(rand() * 200);
    const total = Math.floor((rand() + rand() + rand()) * 20_000) - 10_000;
    out.push(makeEntry({ playerId: toPlayerId(uuidFrom(rand)), total, highest: Math.max(0, Math.floor(total / 3)), games, wins: Math.floor(games / 4), firstReachedAt: base + Math.floor(rand() * 31_536_000_000) }));
  }
  return out;
}

/** Figures of one timed run. */
export interface WholePathStat {
  readonly n: number;
  readonly concurrency: number;
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
  /** CPU of this process per submission, µs (the service, postgres.js, the cache, the bench's token issue). */
  readonly nodeCpuUs: number;
  /** CPU of the database's backends per submission, µs; null when /proc of the server is not readable. */
  readonly pgCpuUs: number | null;
}

const pidRows = z.array(z.object({ pid: z.coerce.number().int() }));

/** Summed utime+stime (ms) of the backends connected to `db`'s database, or null if unreadable. */
async function backendCpuMs(db: Database): Promise<number | null> {
  const rows = await db.execute<{ pid: number }>(sql`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`);
  let ticks = 0;
  // postgres.js (the bench is PostgreSQL only) returns the rows as an array.
  for (const { pid } of pidRows.parse(rows)) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      return null; // another host, or no permission
    }
  }
  return ticks * 10; // USER_HZ = 100 on Linux
}

function percentile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

/**
 * Times `n` submissions with `concurrency` in flight, round-robin over `userIds` (each must have
 * a player). Every submission gets a fresh token (issued outside the timed span) and must be
 * applied. `warmup` untimed submissions first (prepares the statement on every connection).
 */
export async function runSubmissions(opts: {
  readonly db: Database;
  readonly submissions: ScoreSubmissionService;
  readonly tokens: ActionTokens;
  readonly userIds: readonly string[];
  readonly n: number;
  readonly concurrency: number;
  readonly warmup?: number;
}): Promise<WholePathStat> {
  const { submissions, tokens, userIds, concurrency } = opts;
  let user = 0;
  const one = async (i: number, times: Float64Array | null): Promise<void> => {
    const userId = userIds[user++ % userIds.length] ?? "";
    const token = tokens.issue({ actionId: `bench_${randomUUID()}`, userId, maxScore: 1_000, expiresAt: Date.now() + 300_000 });
    const t0 = performance.now();
    const res = await submissions.submit({ token, callerUserId: userId, delta: 1 + (i % 100) });
    if (times !== null) times[i] = performance.now() - t0;
    if (res.status !== "applied") throw new Error(`bench: submission ${i} was ${res.status}${res.status === "rejected" ? ` (${res.code})` : ""}`);
  };
  const pool = async (count: number, times: Float64Array | null): Promise<void> => {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < count) await one(next++, times);
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  };
  await pool(opts.warmup ?? Math.max(200, concurrency * 20), null);
  const times = new Float64Array(opts.n);
  const pg0 = await backendCpuMs(opts.db);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await pool(opts.n, times);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const pg1 = await backendCpuMs(opts.db);
  times.sort();
  return {
    n: opts.n,
    concurrency,
    perSecond: opts.n / seconds,
    p50: percentile(times, 0.5),
    p99: percentile(times, 0.99),
    nodeCpuUs: (cpu.user + cpu.system) / opts.n,
    pgCpuUs: pg0 === null || pg1 === null ? null : ((pg1 - pg0) * 1000) / opts.n,
  };
}

/** One line for a {@link WholePathStat}. */
export function formatWholePath(s: WholePathStat): string {
  const pg = s.pgCpuUs === null ? "n/a" : `${s.pgCpuUs.toFixed(0)} µs`;
  return (
    `concurrency ${String(s.concurrency).padStart(2)}: ${s.perSecond.toFixed(0).padStart(5)} submissions/s, p50 ${s.p50.toFixed(2).padStart(6)} ms, p99 ${s.p99.toFixed(2).padStart(6)} ms` +
    `  (CPU per submission: node ${s.nodeCpuUs.toFixed(0)} µs, PostgreSQL backends ${pg}; n=${s.n})`
  );
}

/**
 * Seeds a migrated bench database with `entries` as human players with all-time ladder rows,
 * the first `seasonCount` of them also in Season 0, and user accounts for the players at
 * `submitterIndexes` (returned as their user ids, in that order). Bulk inserts from arrays
 * (`unnest`), 50,000 rows a statement, then `VACUUM ANALYZE` so the planner and the visibility
 * map see a settled table, as a live database's autovacuum would leave it, then `CHECKPOINT`
 * (the connection must be allowed to: a superuser or `pg_checkpoint`).
 */
export async function seedBenchDb(url: string, entries: readonly LadderEntry[], seasonCount: number, submitterIndexes: readonly number[]): Promise<string[]> {
  const client = postgres(url, { max: 1, onnotice: () => undefined });
  const BATCH = 50_000;
  try {
    const userOf = new Map<number, string>(submitterIndexes.map((i) => [i, randomUUID()]));
    const userIds = submitterIndexes.map((i) => userOf.get(i) ?? "");
    for (let i = 0; i < userIds.length; i += BATCH) {
      const ids = userIds.slice(i, i + BATCH);
      await client`INSERT INTO users (id, username, email, password_hash)
        SELECT id, 'u' || id, id || '@bench.test', 'x' FROM unnest(${ids}::uuid[]) AS t(id)`;
    }
    for (let i = 0; i < entries.length; i += BATCH) {
      const slice = entries.slice(i, i + BATCH);
      const ids = slice.map((e) => e.playerId);
      const users = slice.map((_, j) => userOf.get(i + j) ?? null);
      await client`INSERT INTO players (id, user_id, display_name, avatar_seed, color)
        SELECT id, u, 'bench player', 'seed', '#336699' FROM unnest(${ids}::uuid[], ${users}::text[]) AS t(id, u)`;
    }
    const tiers: readonly { tier: "all_time" | "season"; rows: readonly LadderEntry[] }[] = [
      { tier: "all_time", rows: entries },
      { tier: "season", rows: entries.slice(0, seasonCount) },
    ];
    for (const { tier, rows } of tiers) {
      for (let i = 0; i < rows.length; i += BATCH) {
        const slice = rows.slice(i, i + BATCH);
        await client`INSERT INTO ladder_entries (player_id, tier, season, total_score, highest_score, games_played, wins, score_first_reached_at)
          SELECT p, ${tier}, 0, t, h, g, w, timestamptz 'epoch' + at * interval '1 millisecond'
          FROM unnest(${slice.map((e) => e.playerId)}::uuid[], ${slice.map((e) => e.total)}::bigint[], ${slice.map((e) => e.highest)}::bigint[],
            ${slice.map((e) => e.games)}::int[], ${slice.map((e) => e.wins)}::int[], ${slice.map((e) => e.firstReachedAt)}::bigint[]) AS x(p, t, h, g, w, at)`;
      }
    }
    await client`VACUUM (ANALYZE) players`;
    await client`VACUUM (ANALYZE) ladder_entries`;
    await client`VACUUM (ANALYZE) users`;
    // The bulk load wrote about a gigabyte of WAL, which would force a checkpoint at some
    // arbitrary moment of the timed runs. Take it now, so every run starts at the same point
    // of the checkpoint cycle (each page's first change after it logs a full page image, as
    // in any live database after its periodic checkpoint).
    await client`CHECKPOINT`;
    return userIds;
  } finally {
    await client.end({ timeout: 5 });
  }
}
