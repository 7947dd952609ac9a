/**
 * The Redis ladder cache: per tier, one sorted set ordered by the ladder sort key
 * (`sortKey.ts`), and one hash playerId -> member for lookups.
 *
 * Keys (the tier in a hash tag, so a tier's keys share a cluster slot):
 * - `<prefix>ladder:{<tier>}:z` sorted set: score = total; member = the sort key's member
 *   followed by the entry's other fields, `<sort key member><highest>,<games>,<wins>`;
 * - `<prefix>ladder:{<tier>}:m` hash: playerId -> member.
 *
 * The sort key's member ends with the terminator `g` and no member is a prefix of another, so
 * the fields after it never change the order (see `sortKey.ts`). With the whole entry in the
 * member, a page is one `ZREVRANGE ... WITHSCORES`: the same command the bench runs raw.
 *
 * Each operation is one round trip. The first page is a plain ZREVRANGE; a page after a cursor,
 * a player's rank, the players around one, and the writes that must be atomic (upsert with its
 * old and new rank, remove) are small Lua scripts, each O(log n) plus its output. A rebuild
 * fills temporary keys with pipelined variadic ZADD / HSET and swaps them in with one MULTI
 * of RENAMEs.
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

/** KEYS z m; ARGV playerId score member games force -> {oldRank|-1, newRank, applied} */
const UPSERT = `
local old = redis.call('HGET', KEYS[2], ARGV[1])
local oldRank = -1
if old then
  oldRank = redis.call('ZREVRANK', KEYS[1], old) or -1
  if ARGV[5] ~= '1' and oldRank >= 0 then
    local g = string.match(old, 'g[-%d]+,(%d+),')
    if g and tonumber(g) > tonumber(ARGV[4]) then return {oldRank, oldRank, 0} end
  end
  if old ~= ARGV[3] then redis.call('ZREM', KEYS[1], old) end
end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
return {oldRank, redis.call('ZREVRANK', KEYS[1], ARGV[3]), 1}
`;

/** KEYS z m; ARGV playerId -> {rank|-1, member, score|''} | nil */
const REMOVE = `
local member = redis.call('HGET', KEYS[2], ARGV[1])
if not member then return nil end
local rank = redis.call('ZREVRANK', KEYS[1], member) or -1
local score = redis.call('ZSCORE', KEYS[1], member) or ''
redis.call('ZREM', KEYS[1], member)
redis.call('HDEL', KEYS[2], ARGV[1])
return {rank, member, score}
`;

/** KEYS z m; ARGV playerId -> {rank, member, score} | nil */
const RANK_OF = `
local member = redis.call('HGET', KEYS[2], ARGV[1])
if not member then return nil end
local rank = redis.call('ZREVRANK', KEYS[1], member)
if not rank then return nil end
return {rank, member, redis.call('ZSCORE', KEYS[1], member)}
`;

/**
 * KEYS z; ARGV limit score member -> {start, member1, score1, ...}
 * start = the number of members ordered before or at the cursor key (score, member): the count
 * of higher scores, plus a binary search (by rank, byte-wise compare) inside the band of equal
 * scores. A stored member extends its bare sort-key member, so the cursor's own player, if it
 * is still at that key, compares greater and is skipped, as it should be.
 */
const TOP_AFTER = `${LUA_CMP}
local lo = redis.call('ZCOUNT', KEYS[1], '(' .. ARGV[2], '+inf')
local hi = redis.call('ZCOUNT', KEYS[1], ARGV[2], '+inf')
while lo < hi do
  local mid = math.floor((lo + hi) / 2)
  local m = redis.call('ZREVRANGE', KEYS[1], mid, mid)[1]
  if cmp(m, ARGV[3]) > 0 then lo = mid + 1 else hi = mid end
end
local out = redis.call('ZREVRANGE', KEYS[1], lo, lo + tonumber(ARGV[1]), 'WITHSCORES')
table.insert(out, 1, lo)
return out
`;

/** KEYS z m; ARGV playerId radius -> {start, member1, score1, ...} | nil */
const AROUND = `
local member = redis.call('HGET', KEYS[2], ARGV[1])
if not member then return nil end
local rank = redis.call('ZREVRANK', KEYS[1], member)
if not rank then return nil end
local r = tonumber(ARGV[2])
local start = rank - r
if start < 0 then start = 0 end
local out = redis.call('ZREVRANGE', KEYS[1], start, rank + r, 'WITHSCORES')
table.insert(out, 1, start)
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
  topAfter: script(TOP_AFTER),
  around: script(AROUND),
} as const;

// Replies are validated by hand on the read path (each read parses every entry it returns;
// a zod pass per entry cost more than the Redis round trip). Writes use zod.
const rankReplySchema = z.tuple([z.number().int(), z.string(), z.string()]);
const upsertReplySchema = z.tuple([z.number().int(), z.number().int(), z.number().int()]);

/** Cached data that does not parse: the cache is corrupt and should be rebuilt. */
export class CorruptCacheError extends Error {
  readonly code = "ladder/corrupt_cache" as const;
  constructor(message: string) {
    super(message);
    this.name = "CorruptCacheError";
  }
}

/** The stored member of an entry: its sort-key member, then `highest,games,wins`. */
export function storedMember(entry: LadderEntry): { readonly score: number; readonly member: string } {
  const key = encodeKey(entry);
  return { score: key.score, member: `${key.member}${entry.highest},${entry.games},${entry.wins}` };
}

/** Parses a safe integer written by Redis or by {@link storedMember}; NaN when it is not one. */
function safeInt(text: string): number {
  if (text.length === 0 || text.length > 17) return Number.NaN;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : Number.NaN;
}

/**
 * Decodes stored members, remembering recent ones by `score|member`. A stored member and its
 * score determine the entry exactly, so a hit is always right; hot reads (the top pages) then
 * skip decoding. Cleared whole when full: bounded memory, no bookkeeping on the read path.
 */
class EntryDecoder {
  private readonly recent = new Map<string, LadderEntry>();
  constructor(private readonly max = 20_000) {}

  decode(member: string, score: string): LadderEntry {
    const memo = `${score}|${member}`;
    const hit = this.recent.get(memo);
    if (hit !== undefined) return hit;
    const entry = decodeEntryUncached(member, score);
    if (this.recent.size >= this.max) this.recent.clear();
    this.recent.set(memo, entry);
    return entry;
  }
}

function decodeEntryUncached(member: string, score: string): LadderEntry {
  const cut = member.indexOf("g", 16) + 1;
  const key = cut > 0 ? decodeMember(member.slice(0, cut)) : null;
  const fields = member.slice(cut).split(",");
  const total = safeInt(score);
  const highest = safeInt(fields[0] ?? "");
  const games = safeInt(fields[1] ?? "");
  const wins = safeInt(fields[2] ?? "");
  if (key === null || fields.length !== 3 || Number.isNaN(total) || Number.isNaN(highest) || Number.isNaN(games) || Number.isNaN(wins)) {
    throw new CorruptCacheError(`ladder cache: member does not parse: ${JSON.stringify(member.slice(0, 200))}`);
  }
  return makeEntry({ playerId: toPlayerId(key.playerId), total, highest, games, wins, firstReachedAt: key.firstReachedAt });
}

/** Parses `[member1, score1, ...]` (a WITHSCORES reply) starting at index `from`. */
function decodePairs(decoder: EntryDecoder, items: readonly unknown[], from: number, start: number): RankedEntry[] {
  if ((items.length - from) % 2 !== 0) throw new CorruptCacheError("ladder cache: unexpected reply");
  const out: RankedEntry[] = [];
  for (let i = from; i + 1 < items.length; i += 2) {
    const member = items[i];
    const score = items[i + 1];
    if (typeof member !== "string" || typeof score !== "string") throw new CorruptCacheError("ladder cache: unexpected reply");
    out.push({ rank: start + (i - from) / 2 + 1, entry: decoder.decode(member, score) });
  }
  return out;
}

/** Parses `{start, member1, score1, ...}` from the TOP_AFTER and AROUND scripts. */
function decodeList(decoder: EntryDecoder, reply: unknown): RankedEntry[] {
  if (!Array.isArray(reply)) throw new CorruptCacheError("ladder cache: unexpected script reply");
  const items: readonly unknown[] = reply;
  const start = items[0];
  if (typeof start !== "number" || !Number.isSafeInteger(start)) throw new CorruptCacheError("ladder cache: unexpected script reply");
  return decodePairs(decoder, items, 1, start);
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
  private readonly decoder = new EntryDecoder();

  /** `redis` should be made with {@link LADDER_REDIS_OPTIONS} so a Redis outage fails fast. */
  constructor(
    private readonly redis: Redis,
    options: RedisLadderCacheOptions,
  ) {
    this.prefix = options.prefix;
    this.rebuildChunk = options.rebuildChunk ?? 1_000;
  }

  /** The keys of a tier (exposed for tests and the bench's raw commands). */
  keys(tier: TierKey, suffix = ""): { readonly z: string; readonly m: string } {
    const base = `${this.prefix}ladder:{${tier}}${suffix}`;
    return { z: `${base}:z`, m: `${base}:m` };
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
    const key = storedMember(entry);
    const k = this.keys(tier);
    const reply = await this.run(SCRIPTS.upsert, [k.z, k.m], [entry.playerId, String(key.score), key.member, entry.games, options.force === true ? "1" : "0"]);
    const parsed = upsertReplySchema.safeParse(reply);
    if (!parsed.success) throw new CorruptCacheError("ladder cache: unexpected upsert reply");
    const [oldRank, newRank, applied] = parsed.data;
    return { applied: applied === 1, oldRank: oldRank < 0 ? null : oldRank + 1, newRank: newRank + 1 };
  }

  async remove(tier: TierKey, playerId: PlayerId): Promise<RankedEntry | null> {
    const k = this.keys(tier);
    const reply = await this.run(SCRIPTS.remove, [k.z, k.m], [playerId]);
    return this.rankedReply(reply);
  }

  private rankedReply(reply: unknown): RankedEntry | null {
    if (reply === null) return null;
    const parsed = rankReplySchema.safeParse(reply);
    if (!parsed.success) throw new CorruptCacheError("ladder cache: unexpected rank reply");
    const [rank, member, score] = parsed.data;
    // A hash entry whose member is missing from the sorted set (a corrupt cache): gone now.
    if (rank < 0 || score === "") return null;
    return { rank: rank + 1, entry: this.decoder.decode(member, score) };
  }

  async top(tier: TierKey, limit: number, cursor?: string | null): Promise<LadderPage> {
    requireCount("limit", limit, 1);
    const k = this.keys(tier);
    let all: RankedEntry[];
    if (cursor === undefined || cursor === null) {
      // The first page is the plain command: limit + 1 entries tell whether a next page exists.
      all = decodePairs(this.decoder, await this.redis.zrevrange(k.z, 0, limit, "WITHSCORES"), 0, 0);
    } else {
      const key = encodeKey(requireCursor(cursor));
      all = decodeList(this.decoder, await this.run(SCRIPTS.topAfter, [k.z], [limit, String(key.score), key.member]));
    }
    const entries = all.slice(0, limit);
    const last = entries[entries.length - 1];
    return { entries, nextCursor: all.length > limit && last !== undefined ? encodeCursor(last.entry) : null };
  }

  async rankOf(tier: TierKey, playerId: PlayerId): Promise<RankedEntry | null> {
    const k = this.keys(tier);
    return this.rankedReply(await this.run(SCRIPTS.rankOf, [k.z, k.m], [playerId]));
  }

  async around(tier: TierKey, playerId: PlayerId, radius: number): Promise<readonly RankedEntry[] | null> {
    requireCount("radius", radius, 0);
    const k = this.keys(tier);
    const reply = await this.run(SCRIPTS.around, [k.z, k.m], [playerId, radius]);
    return reply === null ? null : decodeList(this.decoder, reply);
  }

  count(tier: TierKey): Promise<number> {
    return this.redis.zcard(this.keys(tier).z);
  }

  async replaceAll(tier: TierKey, batches: EntryBatches): Promise<number> {
    const live = this.keys(tier);
    const tmp = this.keys(tier, `:rebuild:${randomBytes(6).toString("hex")}`);
    try {
      // Each chunk is two variadic commands (ZADD, HSET), several chunks per pipeline.
      let pipe = this.redis.pipeline();
      let chunks = 0;
      let z: string[] = [];
      let m: string[] = [];
      const flushChunk = async (): Promise<void> => {
        if (z.length > 0) {
          pipe.zadd(tmp.z, ...z);
          pipe.hset(tmp.m, ...m);
          z = [];
          m = [];
          chunks++;
        }
        if (chunks >= 8) {
          await execOrThrow(pipe.exec());
          pipe = this.redis.pipeline();
          chunks = 0;
        }
      };
      for await (const batch of batches) {
        for (const entry of batch) {
          const key = storedMember(entry);
          z.push(String(key.score), key.member);
          m.push(entry.playerId, key.member);
          if (z.length >= 2 * this.rebuildChunk) await flushChunk();
        }
      }
      await flushChunk();
      if (chunks > 0) await execOrThrow(pipe.exec());
      // A player listed twice keeps its last entry in the hashes; drop its stale members.
      const n = await this.redis.zcard(tmp.z);
      const players = await this.redis.hlen(tmp.m);
      if (n !== players) await this.dropOrphans(tmp);
      const swap = this.redis.multi();
      if (players === 0) swap.del(live.z, live.m);
      else swap.rename(tmp.z, live.z).rename(tmp.m, live.m);
      await execOrThrow(swap.exec());
      return players;
    } finally {
      await this.redis.del(tmp.z, tmp.m);
    }
  }

  /** Removes members whose player now points at another member (duplicates in a rebuild). */
  private async dropOrphans(k: { readonly z: string; readonly m: string }): Promise<void> {
    const current = new Set(Object.values(await this.redis.hgetall(k.m)));
    let cursor = "0";
    do {
      const [next, members] = await this.redis.zscan(k.z, cursor, "COUNT", 1000);
      cursor = next;
      for (let i = 0; i < members.length; i += 2) {
        const m = members[i];
        if (m !== undefined && !current.has(m)) await this.redis.zrem(k.z, m);
      }
    } while (cursor !== "0");
  }

  async snapshot(tier: TierKey, n: number): Promise<readonly RankedEntry[]> {
    return (await this.top(tier, Math.max(1, n))).entries;
  }

  /** Deletes every key of a tier (tests and benches clean up with it). */
  async drop(tier: TierKey): Promise<void> {
    const k = this.keys(tier);
    await this.redis.del(k.z, k.m);
  }
}

async function execOrThrow(result: Promise<[error: Error | null, result: unknown][] | null>): Promise<void> {
  const replies = await result;
  if (replies === null) throw new Error("ladder cache: transaction aborted");
  for (const [err] of replies) if (err !== null) throw err;
}
