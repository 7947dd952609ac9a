/**
 * What a committed ladder write reports: one entry of one tier changed. A finished game (the
 * completion's ladder participant) and a verified external score both produce it; the ladder
 * service turns it into its cache update and published delta.
 */
import type { PlayerId } from "../game/types.js";
import type { LadderTier } from "../shared/ladderDelta.js";

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
