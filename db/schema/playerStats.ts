import { index, integer, pgTable, timestamp, uuid } from "drizzle-orm/pg-core";
import { players } from "./players.js";

/**
 * `player_lifetime_stats` (spec 004 §5.5): one row per player (bots included), updated by the
 * completion transaction with atomic upserts.
 *
 * Here a game is "won" when `LifetimeStatDelta.won` is true (the seat tied on the top total).
 * `current_win_streak` / `current_loss_streak` (additions) are the runs of won / lost games
 * ending with the latest completion; `most_consecutive_wins` / `most_consecutive_losses` are
 * the longest such runs ever. (`game_summaries` uses the same names for runs of rounds within
 * one game: a different figure.)
 *
 * Bid figures (additions): `rounds_played` (every round of every completed game),
 * `bids_made` (rounds that took exactly the tricks bid), `zero_bids_made` (rounds bid 0 that
 * took no trick). `games_abandoned` counts games whose seat was abandoned (docs/LADDER.md, rule
 * L8): such a game counts as lost. `perfect_games` counts games in which every one of the seat's
 * bids was made (src/game `isPerfectGame`); it and `zero_bids_made` are the figures of the
 * `perfect_games` and `exact_zero_bids` achievement conditions (docs/SEASON0.md).
 */
export const playerLifetimeStats = pgTable(
  "player_lifetime_stats",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    playerId: uuid("player_id")
      .notNull()
      .unique("player_lifetime_stats_player_id_unique")
      .references(() => players.id, { onDelete: "cascade" }),
    gamesPlayed: integer("games_played").notNull().default(0),
    gamesWon: integer("games_won").notNull().default(0),
    highestScore: integer("highest_score"),
    lowestScore: integer("lowest_score"),
    totalPoints: integer("total_points").notNull().default(0),
    totalTricksWon: integer("total_tricks_won").notNull().default(0),
    mostConsecutiveWins: integer("most_consecutive_wins").notNull().default(0),
    mostConsecutiveLosses: integer("most_consecutive_losses").notNull().default(0),
    currentWinStreak: integer("current_win_streak").notNull().default(0),
    currentLossStreak: integer("current_loss_streak").notNull().default(0),
    roundsPlayed: integer("rounds_played").notNull().default(0),
    bidsMade: integer("bids_made").notNull().default(0),
    zeroBidsMade: integer("zero_bids_made").notNull().default(0),
    gamesAbandoned: integer("games_abandoned").notNull().default(0),
    perfectGames: integer("perfect_games").notNull().default(0),
    lastGameAt: timestamp("last_game_at", { withTimezone: true, mode: "date" }),
  },
  (t) => [index("pls_last_game_idx").on(t.lastGameAt)],
);

/** A `player_lifetime_stats` row as read. */
export type PlayerLifetimeStatsRow = typeof playerLifetimeStats.$inferSelect;
