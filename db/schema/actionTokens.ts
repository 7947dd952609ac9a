import { index, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { users } from "./users.js";

/**
 * `consumed_action_tokens`: every action id that has been used once (external score
 * submission). `response` is the first response, so a replay of the same action returns it
 * unchanged instead of applying the action twice.
 */
export const consumedActionTokens = pgTable(
  "consumed_action_tokens",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    actionId: text("action_id").notNull().unique("consumed_action_tokens_action_id_unique"),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    response: jsonb("response").$type<unknown>().notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [index("consumed_action_tokens_user_id_idx").on(t.userId)],
);

/** A `consumed_action_tokens` row as read. */
export type ConsumedActionTokenRow = typeof consumedActionTokens.$inferSelect;
