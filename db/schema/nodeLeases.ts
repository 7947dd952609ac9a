import { index, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * `node_leases`: one row per live server process, renewed by it every sweep (one statement per
 * process per interval, however many tables it hosts). A game's `owner_node` whose row has
 * expired, or is gone, belongs to a dead process: a surviving process claims the game and rebuilds
 * its table from the log (db/gameLeases.ts, docs/STORAGE.md, Leases).
 */
export const nodeLeases = pgTable(
  "node_leases",
  {
    nodeId: text("node_id").primaryKey(),
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }).notNull(),
    startedAt: timestamp("started_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [index("node_leases_expires_at_idx").on(t.expiresAt)],
);
