import { sql } from "drizzle-orm";
import { bigint, check, foreignKey, index, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { players } from "./players.js";
import { items } from "./season.js";
import { achievements } from "./seasonAchievements.js";

/** Cosmetic kinds; each is also the equip slot it fills. */
export const COSMETIC_KINDS = ["card_back", "seat_frame", "table_felt"] as const;
/** How a cosmetic may be obtained. */
export const COSMETIC_AVAILABILITY = ["shop", "grant"] as const;
/** How a player came to own a cosmetic. */
export const COSMETIC_SOURCES = ["purchase", "claim", "founder", "grant"] as const;

/**
 * `cosmetics`: the catalogue (seeded by a migration). `availability` `shop`: bought with
 * `price_coins` (0: free to claim) and/or claimed once `required_achievement_id` is unlocked;
 * `grant`: never sold (the Founder frame, granted at admission). `item_id` (nullable, unique): the
 * inventory item that confers this cosmetic: adding that item to a player's inventory (an
 * achievement's item reward, or `POST /api/inventory/add`) also grants the cosmetic.
 */
export const cosmetics = pgTable(
  "cosmetics",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    kind: text("kind", { enum: COSMETIC_KINDS }).notNull(),
    availability: text("availability", { enum: COSMETIC_AVAILABILITY }).notNull().default("shop"),
    priceCoins: bigint("price_coins", { mode: "number" }).notNull().default(0),
    requiredAchievementId: text("required_achievement_id").references(() => achievements.id),
    itemId: text("item_id")
      .references(() => items.id)
      .unique("cosmetics_item_id_unique"),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [
    check("cosmetics_kind_check", sql`${t.kind} IN ('card_back', 'seat_frame', 'table_felt')`),
    check("cosmetics_availability_check", sql`${t.availability} IN ('shop', 'grant')`),
    check("cosmetics_price_check", sql`${t.priceCoins} >= 0 AND ${t.priceCoins} <= 9007199254740991`),
  ],
);

/** `player_cosmetics`: what a player owns; one row per player and cosmetic (a purchase is once). */
export const playerCosmetics = pgTable(
  "player_cosmetics",
  {
    playerId: uuid("player_id")
      .notNull()
      .references(() => players.id, { onDelete: "cascade" }),
    cosmeticId: text("cosmetic_id")
      .notNull()
      .references(() => cosmetics.id),
    source: text("source", { enum: COSMETIC_SOURCES }).notNull(),
    /** The purchase's ledger transaction (null when nothing was paid). */
    transactionId: uuid("transaction_id"),
    unlockedAt: timestamp("unlocked_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.playerId, t.cosmeticId] }),
    index("player_cosmetics_cosmetic_source_idx").on(t.cosmeticId, t.source),
    check("player_cosmetics_source_check", sql`${t.source} IN ('purchase', 'claim', 'founder', 'grant')`),
  ],
);

/**
 * `equipped_cosmetics`: what a player wears, one row per filled slot. The foreign key to
 * `player_cosmetics` means only an owned cosmetic can be equipped.
 */
export const equippedCosmetics = pgTable(
  "equipped_cosmetics",
  {
    playerId: uuid("player_id").notNull(),
    slot: text("slot", { enum: COSMETIC_KINDS }).notNull(),
    cosmeticId: text("cosmetic_id").notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.playerId, t.slot] }),
    foreignKey({ name: "equipped_cosmetics_owned_fk", columns: [t.playerId, t.cosmeticId], foreignColumns: [playerCosmetics.playerId, playerCosmetics.cosmeticId] }).onDelete("cascade"),
    check("equipped_cosmetics_slot_check", sql`${t.slot} IN ('card_back', 'seat_frame', 'table_felt')`),
  ],
);
