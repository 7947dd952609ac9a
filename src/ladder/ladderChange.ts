/**
 * What a committed ladder write reports: one entry of one tier changed. A finished game (the
 * completion's ladder participant) and a verified external score both produce it; the ladder
 * service turns it into its cache update and published delta.
 */
import type { LifetimeStatDelta, PlayerId } from "../game/types.js";
import type { LadderTier } from "../shared/ladderDelta.js";
import { seatStanding } from "./seatStanding.js";

/** One ladder entry changed by a completion or a score submission, for the cache and the published delta. */
export interface LadderChange {
  readonly playerId: PlayerId;
  readonly tier: LadderTier;
  /** The season number (`ALL_TIME_SEASON` for the all-time tier). */
  readonly season: number;
  /** The total before this change (0 for a new entry). */
  readonly oldTotal: number;
  readonly newTotal: number;
  /** `newTotal - oldTotal`: the game's score, or the submitted delta. */
  readonly delta: number;
  readonly highestScore: number;
  /** Games counted after the change; 1 means the entry is new (the player was unranked). */
  readonly gamesPlayed: number;
  readonly wins: number;
  /** When the entry first reached `newTotal` (the tie-break, rule L2). */
  readonly scoreFirstReachedAt: Date;
}

/** One entry to change: a player in one tier. */
export interface LadderWrite {
  readonly playerId: PlayerId;
  readonly tier: LadderTier;
  readonly season: number;
  readonly delta: number;
  readonly won: boolean;
  /**
   * The value `highest_score` is raised to (GREATEST). Default `delta`: a game's score. The
   * rating tier passes the new shown rating (its highest is the best rating shown).
   */
  readonly highest?: number;
}

/** The season numbers of a finished game's two tiers (storage numbers the all-time tier too). */
export interface GameSeasons {
  readonly allTime: number;
  readonly current: number;
}

/**
 * The ladder rule of a finished game: only ranked seats count (rule L8, src/ladder/seatStanding.ts:
 * never a bot, a test client's guest listed in `unranked`, or an abandoned seat), and each gets
 * the game's score in both tiers (all-time and the current season), ordered by player id, then
 * tier, which is the lock order every ladder writer follows.
 */
export function gameLadderWrites(deltas: readonly LifetimeStatDelta[], seasons: GameSeasons, unranked: ReadonlySet<string> = new Set()): LadderWrite[] {
  const humans = deltas
    .filter((d) => seatStanding(d, { unranked: unranked.has(d.playerId) }).ranked)
    .sort((a, b) => (a.playerId < b.playerId ? -1 : a.playerId > b.playerId ? 1 : 0));
  const tiers = [
    { tier: "all_time", season: seasons.allTime },
    { tier: "season", season: seasons.current },
  ] as const;
  return humans.flatMap((d) => tiers.map((t) => ({ playerId: d.playerId, tier: t.tier, season: t.season, delta: d.score, won: d.won })));
}
