import { sql } from "drizzle-orm";
import { boolean, check, index, integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import type { GameConfig } from "../../src/game/types.js";

/** The lifecycle of a game: `created -> in_progress -> completed` (spec 004 §5.2). */
export const GAME_STATUSES = ["created", "in_progress", "completed"] as const;
/** One of {@link GAME_STATUSES}. */
export type GameStatus = (typeof GAME_STATUSES)[number];

/**
 * `games` (spec 004 §5.2): one 10-round session. Rows are never deleted (a trigger refuses
 * DELETE and TRUNCATE, see `drizzle/*_retention_and_integrity.sql`).
 *
 * Integrity beyond the spec's status CHECK:
 * - `completed_at` is set exactly when `status = 'completed'`;
 * - `started_at` is set once the game has left `created`;
 * - a deferred constraint trigger checks at commit that a completed game has its
 *   `game_summaries` row (spec 004 §10).
 */
export const games = pgTable(
  "games",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    sessionSeed: text("session_seed").notNull(),
    /** Lowercase hex SHA-256 of the seed: public from the start (the fairness check). */
    seedCommitment: text("seed_commitment").notNull(),
    config: jsonb("config").$type<GameConfig>().notNull(),
    status: text("status", { enum: GAME_STATUSES }).notNull(),
    /**
     * A private table's invitation secret (created with `isPublic: false`); null for a public
     * table. Joining or watching a private table needs it, and the table is hidden from public
     * listings while it is live (rooms/privateAccess.ts). Never shown by the REST API.
     */
    inviteCode: text("invite_code"),
    /** Opened by the ranked queue (rooms/table/ranked.ts): a restored table says so in its `welcome` again. */
    ranked: boolean("ranked").notNull().default(false),
    startedAt: timestamp("started_at", { withTimezone: true, mode: "date" }),
    completedAt: timestamp("completed_at", { withTimezone: true, mode: "date" }),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    /**
     * The server process (its `node_leases.node_id`) that hosts the game's live table and alone may
     * append to its log: the event log's flush inserts only rows of games whose owner is the
     * flushing process (the fence). Null: no process holds it (a graceful shutdown released it, or
     * a row from before leases); the next adoption sweep claims it (docs/STORAGE.md, Leases).
     */
    ownerNode: text("owner_node"),
    /** The fencing epoch: 0 at creation, +1 each time a process claims (adopts or restores) the game. */
    ownerEpoch: integer("owner_epoch").notNull().default(0),
  },
  (t) => [
    index("games_owner_node_idx").on(t.ownerNode).where(sql`${t.status} = 'in_progress'`),
    index("games_status_idx").on(t.status),
    index("games_created_at_idx").on(t.createdAt),
    check("games_status_check", sql`${t.status} IN ('created', 'in_progress', 'completed')`),
    check("games_completed_at_matches_status", sql`(${t.status} = 'completed') = (${t.completedAt} IS NOT NULL)`),
    check("games_started_at_after_created", sql`${t.status} = 'created' OR ${t.startedAt} IS NOT NULL`),
  ],
);

/** A `games` row as read. */
export type GameRow = typeof games.$inferSelect;
/** A `games` row to insert. */
export type NewGameRow = typeof games.$inferInsert;
