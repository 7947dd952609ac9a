/**
 * The `LadderStore` port: the ladder as PostgreSQL holds it (the truth). The service reads it
 * when the cache is unavailable or behind, rebuilds the cache from it, and compares the two in
 * the drift check. `pgStore.ts` implements it with Drizzle over `ladder_entries`.
 */
import type { PlayerId } from "../game/types.js";
import type { TierRef } from "./cache.js";
import type { LadderEntry, OrderKey, RankedEntry } from "./ranking.js";

/** The seasons change a reset made. */
export interface SeasonReset {
  /** The season that was closed (archived: still readable). */
  readonly closed: number;
  /** The season that is current now. */
  readonly opened: number;
}

/** How a season end was asked for (db/seasonEnd.ts, rules SE1-SE3). */
export interface SeasonEndRequest {
  readonly trigger: "schedule" | "admin";
  /** End this season only if it is still the current one (the scheduler passes the one it saw). */
  readonly expectedSeason?: number;
  /** The scheduled time the end was due at (schedule only). */
  readonly scheduledFor?: Date | null;
  /** When the next season starts (schedule: the latest schedule time not after now); default the database clock. */
  readonly nextStartsAt?: Date;
  /** S3: final ranks up to this get the season cosmetic (default `DEFAULT_SEASON_COSMETIC_RANKS`; 0: none). */
  readonly cosmeticRanks?: number;
}

/** PostgreSQL-backed ladder reads (all ranks 1-based, ladder order of `ranking.ts`). */
export interface LadderStore {
  /** Up to `limit` entries strictly after `after` (from the top when null), with their ranks. */
  top(tier: TierRef, limit: number, after: OrderKey | null): Promise<readonly RankedEntry[]>;
  /** A player's rank and entry, or null. */
  rankOf(tier: TierRef, playerId: PlayerId): Promise<RankedEntry | null>;
  /** Up to `radius` entries above and below a player, the player included; null if absent. */
  around(tier: TierRef, playerId: PlayerId, radius: number): Promise<readonly RankedEntry[] | null>;
  /** Entries in the tier. */
  count(tier: TierRef): Promise<number>;
  /**
   * Entries ordered strictly before `key`, not counting `excludePlayer`: the rank a player
   * with that key would have, minus one. Used for deltas when the cache is unavailable.
   */
  countAhead(tier: TierRef, key: OrderKey, excludePlayer: PlayerId | null): Promise<number>;
  /** The entries of these players (those that exist). */
  entriesOf(tier: TierRef, playerIds: readonly PlayerId[]): Promise<readonly LadderEntry[]>;
  /** Every entry of the tier, in batches (keyset-paginated), for a rebuild. */
  allEntries(tier: TierRef, batchSize: number): AsyncIterable<readonly LadderEntry[]>;
  /** The current season's number. */
  currentSeason(): Promise<number>;
  /**
   * Ends the current season (snapshot, close, open the next, `LEADERBOARD_RESET`), in one
   * transaction, once per season: null when `expectedSeason` is no longer current. Default: an
   * admin reset.
   */
  startNextSeason(request?: SeasonEndRequest): Promise<SeasonReset | null>;
}
