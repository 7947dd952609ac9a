import { sql } from "drizzle-orm";
import { check, index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { players } from "./players.js";

/** Account roles. */
export const USER_ROLES = ["player", "admin"] as const;
/** One of {@link USER_ROLES}. */
export type UserRole = (typeof USER_ROLES)[number];

/**
 * `users`: accounts. An account's player is the `players` row whose `user_id` holds this
 * `id` as text. Uniqueness is exact (byte-wise): the account layer normalizes usernames and
 * emails (e.g. lowercases emails) before it writes or looks them up.
 */
export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    username: text("username").notNull().unique("users_username_unique"),
    email: text("email").notNull().unique("users_email_unique"),
    passwordHash: text("password_hash").notNull(),
    role: text("role", { enum: USER_ROLES }).notNull().default("player"),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [check("users_role_check", sql`${t.role} IN ('player', 'admin')`)],
);

/** A `users` row as read. */
export type UserRow = typeof users.$inferSelect;
/** A `users` row to insert. */
export type NewUserRow = typeof users.$inferInsert;

/**
 * `refresh_tokens`: one row per issued refresh token. Only a hash of the token is stored.
 * A token is usable while `revoked_at` is null and `expires_at` is in the future.
 *
 * A token belongs to exactly one of: a registered user (`user_id`), or a guest player
 * (`player_id`, a player with no user). Either row goes when its owner is deleted.
 */
export const refreshTokens = pgTable(
  "refresh_tokens",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id").references(() => users.id, { onDelete: "cascade" }),
    playerId: uuid("player_id").references(() => players.id, { onDelete: "cascade" }),
    tokenHash: text("token_hash").notNull().unique("refresh_tokens_token_hash_unique"),
    /**
     * The session (token family) this token belongs to: a login opens a family, each refresh
     * adds the rotated token to it. Presenting a spent token of a family revokes the whole
     * family (reuse detection, OAuth 2.0 Security BCP §4.14).
     */
    familyId: uuid("family_id").notNull().defaultRandom(),
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }).notNull(),
    revokedAt: timestamp("revoked_at", { withTimezone: true, mode: "date" }),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [
    index("refresh_tokens_user_id_idx").on(t.userId),
    index("refresh_tokens_player_id_idx").on(t.playerId),
    index("refresh_tokens_family_id_idx").on(t.familyId),
    check("refresh_tokens_owner_check", sql`num_nonnulls(${t.userId}, ${t.playerId}) = 1`),
  ],
);

/** A `refresh_tokens` row as read. */
export type RefreshTokenRow = typeof refreshTokens.$inferSelect;
