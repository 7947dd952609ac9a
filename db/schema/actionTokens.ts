import { index, jsonb, pgTable, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import { users } from "./users.js";

/**
 * `consumed_action_tokens`: every action id that has been used once (external score
 * submission), per user: replay detection is keyed on (user, action id), so two users' actions
 * that happen to share an id never see each other's responses (issue 15, item 6). `response` is the first response, so a replay of the same action returns it
 * unchanged instead of applying the action twice.
 */
export const consumedActionTokens = pgTable(
  "consumed_action_tokens",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    actionId: text("action_id").notNull(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    response: jsonb("response").$type<unknown>().notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [index("consumed_action_tokens_user_id_idx").on(t.userId), unique("consumed_action_tokens_user_action_unique").on(t.userId, t.actionId)],
);

/** A `consumed_action_tokens` row as read. */
export type ConsumedActionTokenRow = typeof consumedActionTokens.$inferSelect;
