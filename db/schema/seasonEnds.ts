import { sql } from "drizzle-orm";
import { bigint, check, integer, pgTable, primaryKey, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import { seasons } from "./ladder.js";
import { players } from "./players.js";

/** What ended a season. */
export const SEASON_END_TRIGGERS = ["schedule", "admin"] as const;

/**
 * `season_ends`: one row per ended season, inserted by the transaction that ends it. Its primary
 * key (the season) makes a season end happen once, whichever process or admin call gets there
 * first (docs/LADDER.md, "Seasons on a schedule"). `rewards_granted_at` is set once every
 * reward of the season is in the wallet.
 */
export const seasonEnds = pgTable(
  "season_ends",
  {
    season: integer("season")
      .primaryKey()
      .references(() => seasons.id),
    trigger: text("trigger", { enum: SEASON_END_TRIGGERS }).notNull(),
    /** The scheduled time this end was due at (null for an admin reset). */
    scheduledFor: timestamp("scheduled_for", { withTimezone: true, mode: "date" }),
    endedAt: timestamp("ended_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    rewardsGrantedAt: timestamp("rewards_granted_at", { withTimezone: true, mode: "date" }),
  },
  (t) => [check("season_ends_trigger_check", sql`${t.trigger} IN ('schedule', 'admin')`)],
);

/** The tiers whose final standings a season end snapshots. */
export const STANDINGS_TIERS = ["season", "rating"] as const;

/**
 * `season_standings`: the final standings of an ended season, snapshotted by the transaction
 * that ends it (every entry, rank 1 first), per tier: `season` (the season's points tier, which
 * the rewards follow) and `rating` (the skill ratings as they stood when the season ended).
 */
export const seasonStandings = pgTable(
  "season_standings",
  {
    season: integer("season")
      .notNull()
      .references(() => seasons.id),
    tier: text("tier", { enum: STANDINGS_TIERS }).notNull().default("season"),
    rank: integer("rank").notNull(),
    playerId: uuid("player_id")
      .notNull()
      .references(() => players.id, { onDelete: "cascade" }),
    total: bigint("total", { mode: "number" }).notNull(),
    games: integer("games").notNull(),
    wins: integer("wins").notNull(),
  },
  (t) => [
    primaryKey({ name: "season_standings_pkey", columns: [t.season, t.tier, t.rank] }),
    unique("season_standings_season_tier_player_unique").on(t.season, t.tier, t.playerId),
    check("season_standings_tier_check", sql`${t.tier} IN ('season', 'rating')`),
  ],
);
