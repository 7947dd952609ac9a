import { sql } from "drizzle-orm";
import { bigint, check, index, integer, pgTable, text, timestamp, unique, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { players } from "./players.js";

/**
 * The ladder tiers: every game counts for `all_time` and `season` (points); `rating` holds each
 * human's shown skill rating (db/ratings.ts, docs/LADDER.md "Skill ratings").
 */
export const LADDER_TIERS = ["all_time", "season", "rating"] as const;
/** One of {@link LADDER_TIERS}. */
export type LadderTier = (typeof LADDER_TIERS)[number];

/**
 * The `season` value of every `all_time` ladder row and score event. The all-time tier spans
 * seasons, so its rows carry this fixed value (a CHECK enforces it); it equals Season 0's
 * number, so always filter on `tier` as well as `season`.
 */
export const ALL_TIME_SEASON = 0;

/** The `season` value of every `rating` ladder row and score event (a CHECK enforces it). */
export const RATING_SEASON = 0;

/** Bound of every ladder total (a CHECK enforces it): totals stay exact JavaScript numbers. */
export const LADDER_MAX_ABS_TOTAL = Number.MAX_SAFE_INTEGER;

/**
 * `seasons`: numbered seasons, starting at Season 0 (seeded by a migration). The current
 * season is the one row with `ended_at` null (a unique partial index allows at most one).
 */
export const seasons = pgTable(
  "seasons",
  {
    id: integer("id").primaryKey(),
    startedAt: timestamp("started_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    endedAt: timestamp("ended_at", { withTimezone: true, mode: "date" }),
  },
  (t) => [
    uniqueIndex("seasons_one_current_idx").on(sql`(${t.endedAt} IS NULL)`).where(sql`${t.endedAt} IS NULL`),
    check("seasons_id_check", sql`${t.id} >= 0`),
  ],
);

/** A `seasons` row as read. */
export type SeasonRow = typeof seasons.$inferSelect;

/**
 * `ladder_entries`: one row per player per tier (and per season for the `season` tier).
 * Only human players have entries; bots never rank.
 *
 * Ranking order is `total_score DESC, score_first_reached_at ASC, player_id ASC`
 * (`src/ladder/ranking.ts`, rules L1-L3). `score_first_reached_at` is set whenever a write
 * changes the total (rule L4), to the database clock truncated to milliseconds, taken inside
 * the writing transaction under the row lock; a write that leaves the total unchanged keeps it.
 * The average is derived (`total_score / games_played`), never stored.
 */
export const ladderEntries = pgTable(
  "ladder_entries",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    playerId: uuid("player_id")
      .notNull()
      .references(() => players.id, { onDelete: "cascade" }),
    tier: text("tier", { enum: LADDER_TIERS }).notNull(),
    season: integer("season").notNull(),
    totalScore: bigint("total_score", { mode: "number" }).notNull().default(0),
    highestScore: bigint("highest_score", { mode: "number" }),
    gamesPlayed: integer("games_played").notNull().default(0),
    wins: integer("wins").notNull().default(0),
    scoreFirstReachedAt: timestamp("score_first_reached_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [
    // Leading column player_id: this also serves as the foreign key's index.
    unique("ladder_entries_player_tier_season_unique").on(t.playerId, t.tier, t.season),
    index("ladder_entries_rank_idx").on(t.tier, t.season, t.totalScore.desc(), t.scoreFirstReachedAt.asc(), t.playerId.asc()),
    check("ladder_entries_tier_check", sql`${t.tier} IN ('all_time', 'season', 'rating')`),
    check("ladder_entries_all_time_season_check", sql`${t.tier} <> 'all_time' OR ${t.season} = 0`),
    check("ladder_entries_rating_season_check", sql`${t.tier} <> 'rating' OR ${t.season} = 0`),
    check("ladder_entries_total_safe_check", sql`${t.totalScore} BETWEEN -9007199254740991 AND 9007199254740991`),
    check("ladder_entries_highest_safe_check", sql`${t.highestScore} BETWEEN -9007199254740991 AND 9007199254740991`),
  ],
);

/** A `ladder_entries` row as read. */
export type LadderEntryRow = typeof ladderEntries.$inferSelect;
