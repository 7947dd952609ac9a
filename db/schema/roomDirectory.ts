import { boolean, index, integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { games } from "./games.js";

/** `room_directory` (spec 004 §6.1): public rooms for matchmaking, one row per game. */
export const roomDirectory = pgTable(
  "room_directory",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    gameId: uuid("game_id")
      .notNull()
      .unique("room_directory_game_id_unique")
      .references(() => games.id, { onDelete: "cascade" }),
    joinCode: text("join_code").notNull(),
    isPublic: boolean("is_public").notNull().default(true),
    maxPlayers: integer("max_players").notNull(),
    currentPlayers: integer("current_players").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [
    // The lobby lists public rooms, newest first.
    index("room_directory_is_public_created_at_idx").on(t.isPublic, t.createdAt),
    index("room_directory_join_code_idx").on(t.joinCode),
  ],
);

/** A `room_directory` row as read. */
export type RoomDirectoryRow = typeof roomDirectory.$inferSelect;
