/**
 * The one place a ladder entry is written. A finished game and a verified external score both
 * change the ladder the same way, so both call {@link applyLadderWrites} inside their own
 * transaction, after locking the rows they touch and refusing overflow:
 * - `total_score += delta`, `highest_score = GREATEST(highest_score, delta)`,
 *   `games_played += 1`, `wins += won ? 1 : 0`;
 * - `score_first_reached_at` (the tie-break) becomes the commit clock, truncated to milliseconds,
 *   whenever the total changes (a delta of 0 leaves it);
 * - one `score_events` audit row per entry changed.
 */
import { sql, type SQL } from "drizzle-orm";
import type { GameId, PlayerId } from "../src/game/types.js";
import type { Transaction } from "./client.js";
import { parseStored, playerIdSchema } from "./domainSchemas.js";
import { ladderEntries, type LadderTier } from "./schema/ladder.js";
import { scoreEvents } from "./schema/scoreEvents.js";

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
}

/** What the audit rows record as the change's origin. */
export type LadderAudit = { readonly source: "game"; readonly gameId: GameId } | { readonly source: "external"; readonly actionId: string };

const excluded = (column: string): SQL => sql.raw(`excluded.${column}`);
const keyOf = (w: { playerId: string; tier: string; season: number }): string => `${w.playerId}/${w.tier}/${w.season}`;

/**
 * Applies `writes` (at most one per player, tier and season) and their audit rows inside `tx`,
 * returning one {@link LadderChange} per entry, in the order of `writes`. The caller has locked
 * the rows and checked the totals stay within the safe-integer range.
 */
export async function applyLadderWrites(tx: Transaction, writes: readonly LadderWrite[], audit: LadderAudit): Promise<LadderChange[]> {
  if (writes.length === 0) return [];
  const reachedNow = sql`date_trunc('milliseconds', clock_timestamp())`;
  const updated = await tx
    .insert(ladderEntries)
    .values(
      writes.map((w) => ({
        playerId: w.playerId,
        tier: w.tier,
        season: w.season,
        totalScore: w.delta,
        highestScore: w.delta,
        gamesPlayed: 1,
        wins: w.won ? 1 : 0,
        scoreFirstReachedAt: reachedNow,
      })),
    )
    .onConflictDoUpdate({
      target: [ladderEntries.playerId, ladderEntries.tier, ladderEntries.season],
      set: {
        totalScore: sql`${ladderEntries.totalScore} + ${excluded("total_score")}`,
        highestScore: sql`GREATEST(${ladderEntries.highestScore}, ${excluded("highest_score")})`,
        gamesPlayed: sql`${ladderEntries.gamesPlayed} + 1`,
        wins: sql`${ladderEntries.wins} + ${excluded("wins")}`,
        scoreFirstReachedAt: sql`CASE WHEN ${excluded("total_score")} <> 0 THEN ${reachedNow} ELSE ${ladderEntries.scoreFirstReachedAt} END`,
        updatedAt: sql`now()`,
      },
    })
    .returning({
      playerId: ladderEntries.playerId,
      tier: ladderEntries.tier,
      season: ladderEntries.season,
      totalScore: ladderEntries.totalScore,
      highestScore: ladderEntries.highestScore,
      gamesPlayed: ladderEntries.gamesPlayed,
      wins: ladderEntries.wins,
      scoreFirstReachedAt: ladderEntries.scoreFirstReachedAt,
    });
  const rows = new Map(updated.map((r) => [keyOf(r), r]));
  const changes = writes.map((w): LadderChange => {
    const r = rows.get(keyOf(w));
    if (r === undefined) throw new Error(`ladder: the upsert returned no row for ${keyOf(w)}`);
    return {
      playerId: parseStored(playerIdSchema, r.playerId, "ladder_entries.player_id"),
      tier: r.tier,
      season: r.season,
      oldTotal: r.totalScore - w.delta,
      newTotal: r.totalScore,
      delta: w.delta,
      highestScore: r.highestScore ?? w.delta,
      gamesPlayed: r.gamesPlayed,
      wins: r.wins,
      scoreFirstReachedAt: r.scoreFirstReachedAt,
    };
  });
  const origin = audit.source === "game" ? { source: "game" as const, gameId: audit.gameId } : { source: "external" as const, actionId: audit.actionId };
  await tx.insert(scoreEvents).values(
    changes.map((c) => ({ playerId: c.playerId, tier: c.tier, season: c.season, delta: c.delta, totalAfter: c.newTotal, ...origin })),
  );
  return changes;
}
