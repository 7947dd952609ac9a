import { sql } from "drizzle-orm";
import { bigint, integer, jsonb, pgTable, timestamp, uuid } from "drizzle-orm/pg-core";
import type { SummaryPlayer, SummaryRound } from "../../src/game/types.js";
import { games } from "./games.js";

/**
 * `game_summaries` (spec 004 §5.4): the compact record of a completed game, written by the
 * completion transaction.
 *
 * `completion_seq` (an addition) numbers completions in the order they applied their
 * lifetime-stat updates: the completion transaction takes it after it holds every seat's stats
 * row lock, so for any two games sharing a player the one with the smaller number updated that
 * player first. Folding summaries in `completion_seq` order therefore recomputes
 * `player_lifetime_stats` exactly, streaks included.
 *
 * `abandoned_seats` (an addition): the seat indices whose human player abandoned them
 * (docs/LADDER.md L8), ascending; the rating places them last (R2), live and on rebuild. Games
 * completed before the column existed have `{}` (they were rated on their final totals).
 */
export const gameSummaries = pgTable("game_summaries", {
  id: uuid("id").primaryKey().defaultRandom(),
  gameId: uuid("game_id")
    .notNull()
    .unique("game_summaries_game_id_unique")
    .references(() => games.id, { onDelete: "cascade" }),
  players: jsonb("players").$type<readonly SummaryPlayer[]>().notNull(),
  rounds: jsonb("rounds").$type<readonly SummaryRound[]>().notNull(),
  finalScores: jsonb("final_scores").$type<Readonly<Record<string, number>>>().notNull(),
  highestBid: integer("highest_bid"),
  highestScore: integer("highest_score"),
  lowestScore: integer("lowest_score"),
  mostConsecutiveWins: integer("most_consecutive_wins"),
  mostConsecutiveLosses: integer("most_consecutive_losses"),
  highestMisplay: integer("highest_misplay"),
  abandonedSeats: integer("abandoned_seats")
    .array()
    .notNull()
    .default(sql`'{}'::integer[]`),
  completionSeq: bigint("completion_seq", { mode: "number" }).notNull().generatedAlwaysAsIdentity().unique("game_summaries_completion_seq_unique"),
  createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
});

/** A `game_summaries` row as read. */
export type GameSummaryRow = typeof gameSummaries.$inferSelect;
