import { sql } from "drizzle-orm";
import { check, doublePrecision, index, integer, pgTable, primaryKey, timestamp, uuid } from "drizzle-orm/pg-core";
import { games } from "./games.js";
import { players } from "./players.js";

/**
 * `player_ratings`: each human player's skill rating (openskill, Plackett-Luce: `mu`, `sigma`)
 * and the rated games counted. Bots never have a row (their rating is fixed,
 * `BOT_RATING` in src/ladder/rating.ts). Written by the completion's rating participant and by
 * the rebuild (db/ratings.ts); the shown rating lives in the `rating` tier of `ladder_entries`.
 */
export const playerRatings = pgTable(
  "player_ratings",
  {
    playerId: uuid("player_id")
      .primaryKey()
      .references(() => players.id, { onDelete: "cascade" }),
    mu: doublePrecision("mu").notNull(),
    sigma: doublePrecision("sigma").notNull(),
    games: integer("games").notNull().default(0),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [check("player_ratings_sigma_check", sql`${t.sigma} > 0`), check("player_ratings_games_check", sql`${t.games} >= 0`)],
);

/** A `player_ratings` row as read. */
export type PlayerRatingRow = typeof playerRatings.$inferSelect;

/**
 * `rating_updates`: one row per human per rated game, the rating before and after. The primary
 * key (game, player) is the tripwire against rating one game twice: a second insert fails the
 * whole completion transaction.
 */
export const ratingUpdates = pgTable(
  "rating_updates",
  {
    gameId: uuid("game_id")
      .notNull()
      .references(() => games.id, { onDelete: "cascade" }),
    playerId: uuid("player_id")
      .notNull()
      .references(() => players.id, { onDelete: "cascade" }),
    /** The player's place in the game (1 = best; equal totals share a place). */
    place: integer("place").notNull(),
    muBefore: doublePrecision("mu_before").notNull(),
    sigmaBefore: doublePrecision("sigma_before").notNull(),
    muAfter: doublePrecision("mu_after").notNull(),
    sigmaAfter: doublePrecision("sigma_after").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: "rating_updates_pkey", columns: [t.gameId, t.playerId] }), index("rating_updates_player_id_idx").on(t.playerId)],
);
