/**
 * The ladder cache port. PostgreSQL is the truth; a cache only holds what can be rebuilt from
 * it. Two implementations pass one contract suite (`cache.contract.test.ts`):
 * `RedisLadderCache` (sorted sets) and `MemoryLadderCache` (an in-process skip list).
 *
 * Every query is O(log n) (plus the page or window it returns). Ranks are 1-based and distinct.
 */
import { z } from "zod";
import type { PlayerId } from "../game/types.js";
import { LADDER_TIERS, type LadderEntry, type LadderTier, type OrderKey, type RankedEntry } from "./ranking.js";
import { inKeyRange } from "./sortKey.js";

/** Identifies one ladder: the all-time tier, the rating tier, or one season's tier. */
export type TierKey = "all_time" | "rating" | `season:${number}`;

/** The tier and season a key names (`season` is null for the all-time tier). */
export interface TierRef {
  readonly tier: LadderTier;
  readonly season: number | null;
}

/** The cache key of a tier: `all_time`, `rating`, or `season:<n>`. */
export function tierKeyOf(tier: LadderTier, season: number): TierKey {
  if (!Number.isSafeInteger(season) || season < 0) throw new RangeError(`season must be a non-negative integer, got ${season}`);
  return tier === "season" ? `season:${season}` : tier;
}

const tierKeySchema = z.union([z.literal("all_time"), z.literal("rating"), z.string().regex(/^season:(0|[1-9]\d{0,8})$/)]);

/** Parses a tier key (e.g. from a query string); null when it is not one. */
export function parseTierKey(raw: string): TierRef | null {
  const parsed = tierKeySchema.safeParse(raw);
  if (!parsed.success) return null;
  if (parsed.data === "all_time" || parsed.data === "rating") return { tier: parsed.data, season: null };
  return { tier: "season", season: Number(parsed.data.slice("season:".length)) };
}

/** The tier of a key. */
export function tierRefOf(key: TierKey): TierRef {
  const ref = parseTierKey(key);
  if (ref === null) throw new RangeError(`not a tier key: ${key}`);
  return ref;
}

export { LADDER_TIERS };

/** One page of the ladder, and the cursor of the next (null at the end). */
export interface LadderPage {
  readonly entries: readonly RankedEntry[];
  readonly nextCursor: string | null;
}

/** What an upsert did. Ranks are 1-based; `oldRank` is null when the player was absent. */
export interface UpsertResult {
  /** False when the write was stale (fewer games than the cached entry) and was skipped. */
  readonly applied: boolean;
  readonly oldRank: number | null;
  readonly newRank: number;
}

/** Options of {@link LadderCache.upsert}. */
export interface UpsertOptions {
  /**
   * Write even when the cached entry has more games (a repair or a rebuild from the truth).
   * Without it, a write carrying fewer games than the cached entry is stale and skipped, so
   * out-of-order cache writes after commits cannot roll a player back.
   */
  readonly force?: boolean;
}

/** Entries for a rebuild, in batches (any order). */
export type EntryBatches = AsyncIterable<readonly LadderEntry[]> | Iterable<readonly LadderEntry[]>;

/** The ladder cache port. */
export interface LadderCache {
  /** `redis` or `memory`, for logs and metrics. */
  readonly kind: "redis" | "memory";
  /** Inserts or replaces a player's entry; returns the ranks before and after, atomically. */
  upsert(tier: TierKey, entry: LadderEntry, options?: UpsertOptions): Promise<UpsertResult>;
  /** Removes a player; returns the removed entry and the rank it had, or null if absent. */
  remove(tier: TierKey, playerId: PlayerId): Promise<RankedEntry | null>;
  /**
   * A page from the top. `cursor` (from a previous page's `nextCursor`) continues strictly
   * after the last entry of that page, by sort key, so concurrent updates neither repeat nor
   * skip players that did not move. Throws {@link InvalidCursorError} on a malformed cursor.
   */
  top(tier: TierKey, limit: number, cursor?: string | null): Promise<LadderPage>;
  /** A player's rank and entry, or null when absent. */
  rankOf(tier: TierKey, playerId: PlayerId): Promise<RankedEntry | null>;
  /** Up to `radius` players above and below a player, the player included; null when absent. */
  around(tier: TierKey, playerId: PlayerId, radius: number): Promise<readonly RankedEntry[] | null>;
  /** Number of players in the tier. */
  count(tier: TierKey): Promise<number>;
  /** Atomically replaces the whole tier with these entries (a rebuild). Returns the count. */
  replaceAll(tier: TierKey, batches: EntryBatches): Promise<number>;
  /** The top `n` entries, for the drift check. */
  snapshot(tier: TierKey, n: number): Promise<readonly RankedEntry[]>;
}

/** A cursor that does not decode. Callers should validate with {@link decodeCursor} first. */
export class InvalidCursorError extends Error {
  readonly code = "ladder/bad_cursor" as const;
  constructor(message: string) {
    super(message);
    this.name = "InvalidCursorError";
  }
}

const cursorSchema = z.object({
  v: z.literal(1),
  t: z.number().int().refine(Number.isSafeInteger),
  f: z.number().int().refine(Number.isSafeInteger),
  p: z.string().min(1).max(512),
});

/** Encodes the position after `key` as an opaque cursor (base64url JSON). */
export function encodeCursor(key: OrderKey): string {
  return Buffer.from(JSON.stringify({ v: 1, t: key.total, f: key.firstReachedAt, p: key.playerId }), "utf8").toString("base64url");
}

/** Decodes a cursor; null when it is malformed or outside the sort key's range. */
export function decodeCursor(cursor: string): OrderKey | null {
  if (cursor.length > 1024 || !/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    return null;
  }
  const parsed = cursorSchema.safeParse(json);
  if (!parsed.success) return null;
  const key: OrderKey = { total: parsed.data.t, firstReachedAt: parsed.data.f, playerId: parsed.data.p };
  return inKeyRange(key) ? key : null;
}

/** Decodes a cursor or throws {@link InvalidCursorError} (inside cache implementations). */
export function requireCursor(cursor: string): OrderKey {
  const key = decodeCursor(cursor);
  if (key === null) throw new InvalidCursorError("malformed ladder cursor");
  return key;
}

/** Checks a page size or radius argument. */
export function requireCount(name: string, n: number, min: number): void {
  if (!Number.isSafeInteger(n) || n < min) throw new RangeError(`${name} must be an integer >= ${min}, got ${n}`);
}

/** Turns an array into a single batch for {@link LadderCache.replaceAll}. */
export function oneBatch(entries: readonly LadderEntry[]): EntryBatches {
  return [entries];
}
