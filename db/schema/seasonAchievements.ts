import { sql } from "drizzle-orm";
import { bigint, boolean, check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { games } from "./games.js";
import { players } from "./players.js";
import { items } from "./season.js";
import type { AchievementCondition } from "../../src/season/achievements.js";

/**
 * `achievements`: the definitions, as data (seeded by a migration; admins create and edit them
 * with `PUT /api/admin/achievements/:id`). `condition` is an `AchievementCondition`
 * (src/season/achievements.ts); `reward_coins` is paid from the `rewards` account on unlock, and
 * `reward_quantity` of the catalogue item `reward_item_id` (null: no item; then the quantity is 0)
 * goes into the player's inventory.
 */
export const achievements = pgTable(
  "achievements",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    description: text("description").notNull(),
    condition: jsonb("condition").$type<AchievementCondition>().notNull(),
    rewardCoins: bigint("reward_coins", { mode: "number" }).notNull().default(0),
    rewardItemId: text("reward_item_id").references(() => items.id),
    rewardQuantity: integer("reward_quantity").notNull().default(0),
    enabled: boolean("enabled").notNull().default(true),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [
    check("achievements_reward_coins_check", sql`${t.rewardCoins} >= 0 AND ${t.rewardCoins} <= 9007199254740991`),
    check("achievements_reward_item_check", sql`(${t.rewardItemId} IS NULL AND ${t.rewardQuantity} = 0) OR (${t.rewardItemId} IS NOT NULL AND ${t.rewardQuantity} BETWEEN 1 AND 1000000)`),
  ],
);

/**
 * `player_achievements`: who unlocked what. The primary key (player, achievement) is what makes
 * an achievement unlock at most once, whatever retries or concurrent completions do.
 * `game_id` is the game that unlocked it (null for an explicit unlock).
 */
export const playerAchievements = pgTable(
  "player_achievements",
  {
    playerId: uuid("player_id")
      .notNull()
      .references(() => players.id, { onDelete: "cascade" }),
    achievementId: text("achievement_id")
      .notNull()
      .references(() => achievements.id),
    gameId: uuid("game_id").references(() => games.id, { onDelete: "set null" }),
    transactionId: uuid("transaction_id"),
    unlockedAt: timestamp("unlocked_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.playerId, t.achievementId] }), index("player_achievements_achievement_idx").on(t.achievementId)],
);

/**
 * `achievement_definitions_version`: one row whose `version` a statement-level trigger on
 * `achievements` (`achievements_bump_version`, migration `achievement_definitions_version`)
 * raises by one in the transaction of any insert, update, delete or truncate of definitions. The
 * completion reads it with the figures; a different value than the one its in-memory
 * definitions were read at makes it read them again (db/achievements.ts `DefinitionCache`).
 */
export const achievementDefinitionsVersion = pgTable(
  "achievement_definitions_version",
  {
    id: boolean("id").primaryKey().default(true),
    version: bigint("version", { mode: "number" }).notNull().default(0),
  },
  (t) => [check("achievement_definitions_version_one_row", sql`${t.id}`)],
);
