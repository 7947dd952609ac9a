/**
 * The in-process ladder cache: one order-statistic skip list per tier, ordered by the ladder
 * rules, plus a map from player to entry. Used when `REDIS_URL` is unset. It lives in one
 * process only, so with several processes each keeps its own copy, fed by its own commits and
 * repaired from PostgreSQL by the drift check.
 */
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
import { compareEntries, type LadderEntry, type OrderKey, type RankedEntry } from "./ranking.js";
import { assertKeyRange } from "./sortKey.js";
import { OrderStatisticSkipList } from "./skipList.js";

interface Tier {
  readonly list: OrderStatisticSkipList<OrderKey, LadderEntry>;
  readonly byPlayer: Map<string, LadderEntry>;
}

function newTier(): Tier {
  return { list: new OrderStatisticSkipList<OrderKey, LadderEntry>(compareEntries), byPlayer: new Map() };
}

/** Runs `fn`, turning a throw into a rejected promise (the port is asynchronous). */
function attempt<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (err: unknown) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}

/** In-process {@link LadderCache}: O(log n) expected per operation. */
export class MemoryLadderCache implements LadderCache {
  readonly kind = "memory" as const;
  private readonly tiers = new Map<TierKey, Tier>();

  private tier(key: TierKey): Tier {
    let t = this.tiers.get(key);
    if (t === undefined) {
      t = newTier();
      this.tiers.set(key, t);
    }
    return t;
  }

  upsert(tierKey: TierKey, entry: LadderEntry, options: UpsertOptions = {}): Promise<UpsertResult> {
    return attempt(() => {
      assertKeyRange(entry); // the range the Redis key encodes, so both backends refuse the same input
      const t = this.tier(tierKey);
      const old = t.byPlayer.get(entry.playerId);
      const oldRank = old === undefined ? null : t.list.rank(old);
      if (old !== undefined && oldRank !== null) {
        if (options.force !== true && old.games > entry.games) return { applied: false, oldRank, newRank: oldRank };
        t.list.delete(old);
      }
      t.list.insert(entry);
      t.byPlayer.set(entry.playerId, entry);
      return { applied: true, oldRank, newRank: t.list.rank(entry) };
    });
  }

  remove(tierKey: TierKey, playerId: PlayerId): Promise<RankedEntry | null> {
    return attempt(() => {
      const t = this.tier(tierKey);
      const old = t.byPlayer.get(playerId);
      if (old === undefined) return null;
      const rank = t.list.rank(old);
      t.list.delete(old);
      t.byPlayer.delete(playerId);
      return { rank, entry: old };
    });
  }

  top(tierKey: TierKey, limit: number, cursor?: string | null): Promise<LadderPage> {
    return attempt(() => {
      requireCount("limit", limit, 1);
      const t = this.tier(tierKey);
      let start = 0;
      if (cursor !== undefined && cursor !== null) {
        // Continue after the cursor's key: skip every value ordered before it, and the key itself.
        const key = requireCursor(cursor);
        start = t.list.countBefore(key) + (t.list.rank(key) > 0 ? 1 : 0);
      }
      const values = t.list.slice(start, limit + 1);
      const page = values.slice(0, limit);
      const last = page[page.length - 1];
      return {
        entries: page.map((entry, i) => ({ rank: start + i + 1, entry })),
        nextCursor: values.length > limit && last !== undefined ? encodeCursor(last) : null,
      };
    });
  }

  rankOf(tierKey: TierKey, playerId: PlayerId): Promise<RankedEntry | null> {
    return attempt(() => {
      const t = this.tier(tierKey);
      const entry = t.byPlayer.get(playerId);
      return entry === undefined ? null : { rank: t.list.rank(entry), entry };
    });
  }

  around(tierKey: TierKey, playerId: PlayerId, radius: number): Promise<readonly RankedEntry[] | null> {
    return attempt(() => {
      requireCount("radius", radius, 0);
      const t = this.tier(tierKey);
      const entry = t.byPlayer.get(playerId);
      if (entry === undefined) return null;
      const index = t.list.rank(entry) - 1;
      const start = Math.max(0, index - radius);
      const values = t.list.slice(start, index - start + radius + 1);
      return values.map((e, i) => ({ rank: start + i + 1, entry: e }));
    });
  }

  count(tierKey: TierKey): Promise<number> {
    return attempt(() => {
      return this.tiers.get(tierKey)?.list.size ?? 0;
    });
  }

  async replaceAll(tierKey: TierKey, batches: EntryBatches): Promise<number> {
    const next = newTier();
    for await (const batch of batches) {
      for (const entry of batch) {
        assertKeyRange(entry);
        const prior = next.byPlayer.get(entry.playerId);
        if (prior !== undefined) next.list.delete(prior);
        next.list.insert(entry);
        next.byPlayer.set(entry.playerId, entry);
      }
    }
    // Swap in one step: readers see the old tier or the new one, never half of it.
    this.tiers.set(tierKey, next);
    return next.list.size;
  }

  async snapshot(tierKey: TierKey, n: number): Promise<readonly RankedEntry[]> {
    return (await this.top(tierKey, Math.max(1, n))).entries;
  }
}
