import { sql } from "drizzle-orm";
import { bigint, check, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { games } from "./games.js";
import { LADDER_TIERS } from "./ladder.js";
import { players } from "./players.js";

/** Where a ladder change came from: a completed game, or an external score submission. */
export const SCORE_EVENT_SOURCES = ["game", "external"] as const;
/** One of {@link SCORE_EVENT_SOURCES}. */
export type ScoreEventSource = (typeof SCORE_EVENT_SOURCES)[number];

/**
 * `score_events`: the audit trail of the ladder, one row per ladder entry change. `player_id`
 * is SET NULL when the player is deleted, so the trail survives. A game writes at most one row
 * per player per tier and season (a unique partial index: the tripwire for double completion).
 */
export const scoreEvents = pgTable(
  "score_events",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    playerId: uuid("player_id").references(() => players.id, { onDelete: "set null" }),
    tier: text("tier", { enum: LADDER_TIERS }).notNull(),
    season: integer("season").notNull(),
    source: text("source", { enum: SCORE_EVENT_SOURCES }).notNull(),
    gameId: uuid("game_id").references(() => games.id),
    actionId: text("action_id"),
    delta: bigint("delta", { mode: "number" }).notNull(),
    totalAfter: bigint("total_after", { mode: "number" }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [
    index("score_events_player_id_idx").on(t.playerId),
    index("score_events_game_id_idx").on(t.gameId),
    index("score_events_tier_season_created_at_idx").on(t.tier, t.season, t.createdAt),
    uniqueIndex("score_events_game_player_tier_season_idx")
      .on(t.gameId, t.playerId, t.tier, t.season)
      .where(sql`${t.gameId} IS NOT NULL`),
    check("score_events_tier_check", sql`${t.tier} IN ('all_time', 'season', 'rating')`),
    check("score_events_source_check", sql`${t.source} IN ('game', 'external')`),
    check("score_events_source_game_check", sql`${t.source} <> 'game' OR ${t.gameId} IS NOT NULL`),
  ],
);

/** A `score_events` row as read. */
export type ScoreEventRow = typeof scoreEvents.$inferSelect;
