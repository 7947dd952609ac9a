import { sql } from "drizzle-orm";
import { bigint, boolean, check, index, jsonb, pgSequence, pgTable, primaryKey, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import { players } from "./players.js";
import { users } from "./users.js";

/**
 * `season_events`: the one append-only log every Season 0 write inserts its events into, in
 * the same transaction as the state it changes. `seq` is global and strictly increasing;
 * writers run side by side, so readers that page by `seq` read only up to the log's horizon
 * (db/seasonLog.ts), and a reader that has seen `seq = n` never later finds a committed row
 * below `n`. `player_id` is
 * whose event it is (null for system-wide or anonymised rows; deliberately not a foreign key:
 * rows are never updated, so a deleted player cannot be nulled). `payload` carries `_v`.
 * A trigger refuses UPDATE, DELETE and TRUNCATE.
 */
export const seasonEvents = pgTable(
  "season_events",
  {
    seq: bigint("seq", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    type: text("type").notNull(),
    playerId: uuid("player_id"),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [index("season_events_player_id_seq_idx").on(t.playerId, t.seq)],
);

/** Waitlist statuses (`src/season/waitlist.ts` holds the transitions). */
export const WAITLIST_STATUSES = ["waiting", "invited", "admitted", "removed"] as const;

/** The order of waitlist entries: first come, first served; no ties. */
export const waitlistQueueSeq = pgSequence("waitlist_queue_seq");

/**
 * `waitlist`: one row per player who joined Season 0's waitlist. `queue_seq` orders entries
 * (from a sequence, so two entries never tie); a waiting entry's position is 1 + the number of
 * waiting entries with a smaller `queue_seq`. A removed entry is kept (status `removed`).
 */
export const waitlist = pgTable(
  "waitlist",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    playerId: uuid("player_id")
      .notNull()
      .references(() => players.id, { onDelete: "cascade" })
      .unique("waitlist_player_id_unique"),
    queueSeq: bigint("queue_seq", { mode: "number" })
      .notNull()
      .default(sql`nextval('waitlist_queue_seq')`)
      .unique("waitlist_queue_seq_unique"),
    status: text("status", { enum: WAITLIST_STATUSES }).notNull().default("waiting"),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [
    check("waitlist_status_check", sql`${t.status} IN ('waiting', 'invited', 'admitted', 'removed')`),
    index("waitlist_status_queue_seq_idx").on(t.status, t.queueSeq),
  ],
);

/** `currencies`: what wallets hold (Season 0 seeds `coins`). */
export const currencies = pgTable("currencies", {
  code: text("code").primaryKey(),
  name: text("name").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
});

/** System accounts' names: where deposits come from, where spends go, and rewards. */
export const SYSTEM_ACCOUNTS = ["mint", "sink", "rewards"] as const;

/**
 * `wallet_accounts`: one account per player and currency, plus the system accounts
 * (`mint`, `sink`, `rewards`) per currency. `balance` is maintained in the same transaction as
 * the postings; a player's account never goes below 0 (CHECK); every balance stays within the
 * safe-integer range (CHECK). The sum of all accounts of a currency is always 0.
 */
export const walletAccounts = pgTable(
  "wallet_accounts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    currency: text("currency")
      .notNull()
      .references(() => currencies.code),
    // Not a foreign key: the ledger outlives a deleted player (its postings are kept, so every
    // currency still sums to 0).
    playerId: uuid("player_id"),
    systemName: text("system_name", { enum: SYSTEM_ACCOUNTS }),
    balance: bigint("balance", { mode: "number" }).notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [
    unique("wallet_accounts_player_currency_unique").on(t.playerId, t.currency),
    unique("wallet_accounts_system_currency_unique").on(t.systemName, t.currency),
    check("wallet_accounts_owner_check", sql`num_nonnulls(${t.playerId}, ${t.systemName}) = 1`),
    check("wallet_accounts_player_nonnegative_check", sql`${t.playerId} IS NULL OR ${t.balance} >= 0`),
    check("wallet_accounts_balance_safe_check", sql`${t.balance} BETWEEN -9007199254740991 AND 9007199254740991`),
  ],
);

/** Kinds of ledger transaction. */
export const TRANSACTION_KINDS = ["deposit", "withdrawal", "transfer"] as const;

/**
 * `transactions`: one row per transfer. `(requested_by, idempotency_key)` is unique: a repeat
 * of the key finds the first transaction and moves nothing.
 */
export const transactions = pgTable(
  "transactions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    currency: text("currency")
      .notNull()
      .references(() => currencies.code),
    kind: text("kind", { enum: TRANSACTION_KINDS }).notNull(),
    amount: bigint("amount", { mode: "number" }).notNull(),
    /** The player the transaction is about (the depositee, the withdrawer, the sender). */
    playerId: uuid("player_id").notNull(),
    /** Who asked for it: `player:<uuid>`, `admin:<sub>` or `service`. */
    requestedBy: text("requested_by").notNull(),
    idempotencyKey: text("idempotency_key").notNull(),
    reason: text("reason"),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [
    unique("transactions_requested_by_key_unique").on(t.requestedBy, t.idempotencyKey),
    index("transactions_player_id_created_idx").on(t.playerId, t.createdAt),
    check("transactions_amount_check", sql`${t.amount} > 0 AND ${t.amount} <= 9007199254740991`),
  ],
);

/** `postings`: the legs of a transaction, two per transaction, summing to 0. */
export const postings = pgTable(
  "postings",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    transactionId: uuid("transaction_id")
      .notNull()
      .references(() => transactions.id),
    accountId: uuid("account_id")
      .notNull()
      .references(() => walletAccounts.id),
    amount: bigint("amount", { mode: "number" }).notNull(),
  },
  (t) => [index("postings_transaction_id_idx").on(t.transactionId), index("postings_account_id_idx").on(t.accountId), check("postings_amount_nonzero_check", sql`${t.amount} <> 0`)],
);

/** `items`: the item catalogue (seeded by a migration; admins can add). */
export const items = pgTable("items", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  kind: text("kind").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
});

/**
 * `inventory`: one row per player who has ever held an item, carrying the inventory's
 * `version` (the ETag writes must match with `If-Match`). Holdings are in `inventory_items`.
 */
export const inventory = pgTable("inventory", {
  playerId: uuid("player_id")
    .primaryKey()
    .references(() => players.id, { onDelete: "cascade" }),
  version: bigint("version", { mode: "number" }).notNull().default(0),
  updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
});

/** `inventory_items`: how many of an item a player holds (rows with 0 are deleted). */
export const inventoryItems = pgTable(
  "inventory_items",
  {
    playerId: uuid("player_id")
      .notNull()
      .references(() => inventory.playerId, { onDelete: "cascade" }),
    itemId: text("item_id")
      .notNull()
      .references(() => items.id),
    quantity: bigint("quantity", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.playerId, t.itemId] }), check("inventory_items_quantity_check", sql`${t.quantity} > 0 AND ${t.quantity} <= 9007199254740991`)],
);

/**
 * `inventory_grants`: items given by the system (an achievement's item reward), one row per
 * idempotency key, inserted in the transaction that adds the items: a repeat of the key finds
 * the row and adds nothing.
 */
export const inventoryGrants = pgTable(
  "inventory_grants",
  {
    idempotencyKey: text("idempotency_key").primaryKey(),
    playerId: uuid("player_id")
      .notNull()
      .references(() => players.id, { onDelete: "cascade" }),
    itemId: text("item_id")
      .notNull()
      .references(() => items.id),
    quantity: bigint("quantity", { mode: "number" }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [index("inventory_grants_player_id_idx").on(t.playerId), check("inventory_grants_quantity_check", sql`${t.quantity} > 0 AND ${t.quantity} <= 9007199254740991`)],
);

/** Card styles a player can pick. */
export const CARD_STYLES = ["classic", "modern", "large_print"] as const;

/** `user_preferences`: one row per user (defaults until the first PUT). */
export const userPreferences = pgTable(
  "user_preferences",
  {
    userId: uuid("user_id")
      .primaryKey()
      .references(() => users.id, { onDelete: "cascade" }),
    cardStyle: text("card_style", { enum: CARD_STYLES }).notNull().default("classic"),
    sound: boolean("sound").notNull().default(true),
    locale: text("locale").notNull().default("en"),
    colourBlindDeck: boolean("colour_blind_deck").notNull().default(false),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [check("user_preferences_card_style_check", sql`${t.cardStyle} IN ('classic', 'modern', 'large_print')`)],
);

