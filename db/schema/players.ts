import { boolean, index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

/**
 * `players` (spec 004 §5.1): a persistent identity across games. Bots are players with
 * `is_bot = true`. `unranked` (an addition) marks a test client's guest (`npm run bots`,
 * `npm run loadtest`): it plays like anyone but never enters the ladder (docs/LADDER.md, L8).
 *
 * `user_id` is TEXT, as the spec says: it holds `users.id` (a UUID) as text for an account's
 * player, and is null for a one-off (anonymous) player or a bot. It is not a foreign key,
 * because the spec keeps it TEXT; the account layer keeps it consistent.
 */
export const players = pgTable(
  "players",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: text("user_id").unique("players_user_id_unique"),
    displayName: text("display_name").notNull(),
    avatarSeed: text("avatar_seed").notNull(),
    color: text("color").notNull(),
    isBot: boolean("is_bot").notNull().default(false),
    unranked: boolean("unranked").notNull().default(false),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [
    // Spec 004 §5.1 lists this index explicitly (the UNIQUE constraint has its own).
    index("players_user_id_idx").on(t.userId),
  ],
);

/** A `players` row as read. */
export type PlayerRow = typeof players.$inferSelect;
/** A `players` row to insert. */
export type NewPlayerRow = typeof players.$inferInsert;

