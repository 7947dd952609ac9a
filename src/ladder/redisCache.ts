/**
 * The Redis ladder cache: per tier, a sorted set ordered by the ladder sort key
 * (`sortKey.ts`), a hash playerId -> member, and a hash member -> entry fields.
 *
 * Keys (the tier in a hash tag, so a tier's keys share a cluster slot):
 * - `<prefix>ladder:{<tier>}:z` sorted set, score = total, member = tie-break encoding;
 * - `<prefix>ladder:{<tier>}:m` hash, playerId -> member;
 * - `<prefix>ladder:{<tier>}:e` hash, member -> `[total,highest,games,wins]` (JSON).
 *
 * Each operation is one round trip. Reads that need the sorted set and the hashes together
 * (top page, rank of a player, around a player) and writes that must be atomic (upsert with
 * its old and new rank, remove) are small Lua scripts; each costs O(log n) plus its output.
 * A rebuild fills temporary keys with pipelines and swaps them in with one MULTI of RENAMEs.
 */
import { randomBytes, createHash } from "node:crypto";
import type { Redis, RedisOptions } from "ioredis";
import { z } from "zod";
import type { PlayerId } from "../game/types.js";
import {
  encodeCursor,
  requireCount,
  requireCursor,
  type EntryBatches,
  type LadderCache,
  type LadderPage,
  type TierKey,
  type UpsertOptions,
  type UpsertResult,
} from "./cache.js";
import { makeEntry, toPlayerId, type LadderEntry, type RankedEntry } from "./ranking.js";
import { decodeMember, encodeKey } from "./sortKey.js";

/**
 * Client options for the ladder cache's ioredis connection: fail fast instead of queueing
 * commands while Redis is down, so the service falls back to PostgreSQL at once.
 */
export const LADDER_REDIS_OPTIONS = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  commandTimeout: 1_000,
  connectTimeout: 2_000,
} as const satisfies RedisOptions;

// Byte-wise string comparison: Lua's `<` uses strcoll, which depends on the server's locale.
const LUA_CMP = `
local function cmp(a, b)
  local la, lb = #a, #b
  local n = la < lb and la or lb
  for i = 1, n do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return x < y and -1 or 1 end
  end
  if la == lb then return 0 end
  return la < lb and -1 or 1
end
`;

/** KEYS z m e; ARGV playerId score member value games force -> {oldRank|-1, newRank, applied} */
const UPSERT = `
local old = redis.call('HGET', KEYS[2], ARGV[1])
local oldRank = -1
if old then
  oldRank = redis.call('ZREVRANK', KEYS[1], old) or -1
  if ARGV[6] ~= '1' then
    local cur = redis.call('HGET', KEYS[3], old)
    if cur and cjson.decode(cur)[3] > tonumber(ARGV[5]) then return {oldRank, oldRank, 0} end
  end
  if old ~= ARGV[3] then
    redis.call('ZREM', KEYS[1], old)
    redis.call('HDEL', KEYS[3], old)
  end
end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
redis.call('HSET', KEYS[3], ARGV[3], ARGV[4])
return {oldRank, redis.call('ZREVRANK', KEYS[1], ARGV[3]), 1}
`;

/** KEYS z m e; ARGV playerId -> {rank, member, value} | nil */
const REMOVE = `
local member = redis.call('HGET', KEYS[2], ARGV[1])
if not member then return nil end
local rank = redis.call('ZREVRANK', KEYS[1], member) or -1
local value = redis.call('HGET', KEYS[3], member) or ''
redis.call('ZREM', KEYS[1], member)
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], member)
return {rank, member, value}
`;

/** KEYS z m e; ARGV playerId -> {rank, member, value} | nil */
const RANK_OF = `
local member = redis.call('HGET', KEYS[2], ARGV[1])
if not member then return nil end
local rank = redis.call('ZREVRANK', KEYS[1], member)
if not rank then return nil end
return {rank, member, redis.call('HGET', KEYS[3], member)}
`;

/**
 * KEYS z e; ARGV limit [score member] -> {start, member1, value1, ...}
 * With a cursor, start is the number of members ordered at or before (score, member): if the
 * cursor's member is still there with that score, its rank + 1; else the count of higher
 * scores plus a binary search (by rank, byte-wise compare) inside the band of equal scores.
 */
const TOP = `${LUA_CMP}
local start = 0
if ARGV[2] then
  local s = redis.call('ZSCORE', KEYS[1], ARGV[3])
  if s and tonumber(s) == tonumber(ARGV[2]) then
    start = redis.call('ZREVRANK', KEYS[1], ARGV[3]) + 1
  else
    local lo = redis.call('ZCOUNT', KEYS[1], '(' .. ARGV[2], '+inf')
    local hi = redis.call('ZCOUNT', KEYS[1], ARGV[2], '+inf')
    while lo < hi do
      local mid = math.floor((lo + hi) / 2)
      local m = redis.call('ZREVRANGE', KEYS[1], mid, mid)[1]
      if cmp(m, ARGV[3]) > 0 then lo = mid + 1 else hi = mid end
    end
    start = lo
  end
end
local members = redis.call('ZREVRANGE', KEYS[1], start, start + tonumber(ARGV[1]))
local out = {start}
if #members == 0 then return out end
local values = redis.call('HMGET', KEYS[2], unpack(members))
for i = 1, #members do
  out[2 * i] = members[i]
  out[2 * i + 1] = values[i]
end
return out
`;

/** KEYS z m e; ARGV playerId radius -> {start, member1, value1, ...} | nil */
const AROUND = `
local member = redis.call('HGET', KEYS[2], ARGV[1])
if not member then return nil end
local rank = redis.call('ZREVRANK', KEYS[1], member)
if not rank then return nil end
local r = tonumber(ARGV[2])
local start = rank - r
if start < 0 then start = 0 end
local members = redis.call('ZREVRANGE', KEYS[1], start, rank + r)
local values = redis.call('HMGET', KEYS[3], unpack(members))
local out = {start}
for i = 1, #members do
  out[2 * i] = members[i]
  out[2 * i + 1] = values[i]
end
return out
`;

interface Script {
  readonly source: string;
  readonly sha: string;
}

function script(source: string): Script {
  return { source, sha: createHash("sha1").update(source).digest("hex") };
}

const SCRIPTS = {
  upsert: script(UPSERT),
  remove: script(REMOVE),
  rankOf: script(RANK_OF),
  top: script(TOP),
  around: script(AROUND),
} as const;

const safeInt = z.number().int().refine(Number.isSafeInteger, "not a safe integer");
const valueSchema = z.tuple([safeInt, safeInt, safeInt, safeInt]);
const rankReplySchema = z.tuple([z.number().int(), z.string(), z.string()]);
const upsertReplySchema = z.tuple([z.number().int(), z.number().int(), z.number().int()]);
const listReplySchema = z.array(z.union([z.number().int(), z.string(), z.null()]));

/** Cached data that does not parse: the cache is corrupt and should be rebuilt. */
export class CorruptCacheError extends Error {
  readonly code = "ladder/corrupt_cache" as const;
  constructor(message: string) {
    super(message);
    this.name = "CorruptCacheError";
  }
}

function encodeValue(entry: LadderEntry): string {
  return JSON.stringify([entry.total, entry.highest, entry.games, entry.wins]);
}

function decodeEntry(member: string, value: string | null): LadderEntry {
  const decoded = decodeMember(member);
  if (decoded === null || value === null) throw new CorruptCacheError(`ladder cache: bad member or missing entry for ${JSON.stringify(member)}`);
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    throw new CorruptCacheError(`ladder cache: entry is not JSON for ${JSON.stringify(member)}`);
  }
  const parsed = valueSchema.safeParse(json);
  if (!parsed.success) throw new CorruptCacheError(`ladder cache: entry does not parse for ${JSON.stringify(member)}`);
  const [total, highest, games, wins] = parsed.data;
  return makeEntry({ playerId: toPlayerId(decoded.playerId), total, highest, games, wins, firstReachedAt: decoded.firstReachedAt });
}

function decodeList(reply: unknown): RankedEntry[] {
  const parsed = listReplySchema.safeParse(reply);
  if (!parsed.success) throw new CorruptCacheError("ladder cache: unexpected script reply");
  const [start, ...rest] = parsed.data;
  if (typeof start !== "number") throw new CorruptCacheError("ladder cache: unexpected script reply");
  const out: RankedEntry[] = [];
  for (let i = 0; i + 1 < rest.length; i += 2) {
    const member = rest[i];
    const value = rest[i + 1] ?? null;
    if (typeof member !== "string" || typeof value === "number") throw new CorruptCacheError("ladder cache: unexpected script reply");
    out.push({ rank: start + i / 2 + 1, entry: decodeEntry(member, value) });
  }
  return out;
}

/** Options of {@link RedisLadderCache}. */
export interface RedisLadderCacheOptions {
  /** Prefix of every key (e.g. `pzo:`); tests use a random one. */
  readonly prefix: string;
  /** Entries per pipeline during a rebuild (default 1,000). */
  readonly rebuildChunk?: number;
}

/** {@link LadderCache} on Redis sorted sets. */
export class RedisLadderCache implements LadderCache {
  readonly kind = "redis" as const;
  private readonly prefix: string;
  private readonly rebuildChunk: number;

  /** `redis` should be made with {@link LADDER_REDIS_OPTIONS} so a Redis outage fails fast. */
  constructor(
    private readonly redis: Redis,
    options: RedisLadderCacheOptions,
  ) {
    this.prefix = options.prefix;
    this.rebuildChunk = options.rebuildChunk ?? 1_000;
  }

  /** The three keys of a tier (exposed for tests and the bench's raw commands). */
  keys(tier: TierKey, suffix = ""): { readonly z: string; readonly m: string; readonly e: string } {
    const base = `${this.prefix}ladder:{${tier}}${suffix}`;
    return { z: `${base}:z`, m: `${base}:m`, e: `${base}:e` };
  }

  private async run(s: Script, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    try {
      return await this.redis.evalsha(s.sha, keys.length, ...keys, ...args);
    } catch (err: unknown) {
      if (err instanceof Error && err.message.startsWith("NOSCRIPT")) return this.redis.eval(s.source, keys.length, ...keys, ...args);
      throw err;
    }
  }

  async upsert(tier: TierKey, entry: LadderEntry, options: UpsertOptions = {}): Promise<UpsertResult> {
    const key = encodeKey(entry);
    const k = this.keys(tier);
    const reply = await this.run(SCRIPTS.upsert, [k.z, k.m, k.e], [entry.playerId, String(key.score), key.member, encodeValue(entry), entry.games, options.force === true ? "1" : "0"]);
    const parsed = upsertReplySchema.safeParse(reply);
    if (!parsed.success) throw new CorruptCacheError("ladder cache: unexpected upsert reply");
    const [oldRank, newRank, applied] = parsed.data;
    return { applied: applied === 1, oldRank: oldRank < 0 ? null : oldRank + 1, newRank: newRank + 1 };
  }

  async remove(tier: TierKey, playerId: PlayerId): Promise<RankedEntry | null> {
    const k = this.keys(tier);
    const reply = await this.run(SCRIPTS.remove, [k.z, k.m, k.e], [playerId]);
    return this.rankedReply(reply);
  }

  private rankedReply(reply: unknown): RankedEntry | null {
    if (reply === null) return null;
    const parsed = rankReplySchema.safeParse(reply);
    if (!parsed.success) throw new CorruptCacheError("ladder cache: unexpected rank reply");
    const [rank, member, value] = parsed.data;
    // A member missing from the sorted set or the entry hash (a corrupt cache): gone now.
    if (rank < 0 || value === "") return null;
    return { rank: rank + 1, entry: decodeEntry(member, value) };
  }

  async top(tier: TierKey, limit: number, cursor?: string | null): Promise<LadderPage> {
    requireCount("limit", limit, 1);
    const k = this.keys(tier);
    const args: (string | number)[] = [limit];
    if (cursor !== undefined && cursor !== null) {
      const key = encodeKey(requireCursor(cursor));
      args.push(String(key.score), key.member);
    }
    const all = decodeList(await this.run(SCRIPTS.top, [k.z, k.e], args));
    const entries = all.slice(0, limit);
    const last = entries[entries.length - 1];
    return { entries, nextCursor: all.length > limit && last !== undefined ? encodeCursor(last.entry) : null };
  }

  async rankOf(tier: TierKey, playerId: PlayerId): Promise<RankedEntry | null> {
    const k = this.keys(tier);
    return this.rankedReply(await this.run(SCRIPTS.rankOf, [k.z, k.m, k.e], [playerId]));
  }

  async around(tier: TierKey, playerId: PlayerId, radius: number): Promise<readonly RankedEntry[] | null> {
    requireCount("radius", radius, 0);
    const k = this.keys(tier);
    const reply = await this.run(SCRIPTS.around, [k.z, k.m, k.e], [playerId, radius]);
    return reply === null ? null : decodeList(reply);
  }

  count(tier: TierKey): Promise<number> {
    return this.redis.zcard(this.keys(tier).z);
  }

  async replaceAll(tier: TierKey, batches: EntryBatches): Promise<number> {
    const live = this.keys(tier);
    const tmp = this.keys(tier, `:rebuild:${randomBytes(6).toString("hex")}`);
    try {
      let pipe = this.redis.pipeline();
      let queued = 0;
      for await (const batch of batches) {
        for (const entry of batch) {
          const key = encodeKey(entry);
          pipe.zadd(tmp.z, String(key.score), key.member);
          pipe.hset(tmp.m, entry.playerId, key.member);
          pipe.hset(tmp.e, key.member, encodeValue(entry));
          if (++queued >= this.rebuildChunk) {
            await execOrThrow(pipe.exec());
            pipe = this.redis.pipeline();
            queued = 0;
          }
        }
      }
      if (queued > 0) await execOrThrow(pipe.exec());
      // A player listed twice keeps its last entry in the hashes; drop its stale members.
      const n = await this.redis.zcard(tmp.z);
      const players = await this.redis.hlen(tmp.m);
      if (n !== players) await this.dropOrphans(tmp);
      const swap = this.redis.multi();
      if (players === 0) swap.del(live.z, live.m, live.e);
      else swap.rename(tmp.z, live.z).rename(tmp.m, live.m).rename(tmp.e, live.e);
      await execOrThrow(swap.exec());
      return players;
    } finally {
      await this.redis.del(tmp.z, tmp.m, tmp.e);
    }
  }

  /** Removes members whose player now points at another member (duplicates in a rebuild). */
  private async dropOrphans(k: { readonly z: string; readonly m: string; readonly e: string }): Promise<void> {
    const current = new Set(Object.values(await this.redis.hgetall(k.m)));
    let cursor = "0";
    do {
      const [next, members] = await this.redis.zscan(k.z, cursor, "COUNT", 1000);
      cursor = next;
      for (let i = 0; i < members.length; i += 2) {
        const m = members[i];
        if (m !== undefined && !current.has(m)) await this.redis.multi().zrem(k.z, m).hdel(k.e, m).exec();
      }
    } while (cursor !== "0");
  }

  async snapshot(tier: TierKey, n: number): Promise<readonly RankedEntry[]> {
    return (await this.top(tier, Math.max(1, n))).entries;
  }

  /** Deletes every key of a tier (tests and benches clean up with it). */
  async drop(tier: TierKey): Promise<void> {
    const k = this.keys(tier);
    await this.redis.del(k.z, k.m, k.e);
  }
}

async function execOrThrow(result: Promise<[error: Error | null, result: unknown][] | null>): Promise<void> {
  const replies = await result;
  if (replies === null) throw new Error("ladder cache: transaction aborted");
  for (const [err] of replies) if (err !== null) throw err;
}
