/** User preferences on `user_preferences` (defaults until the first write). */
import { eq, sql } from "drizzle-orm";
import type { Database } from "./client.js";
import { preparedPerDatabase } from "./prepared.js";
import { appendSeasonEvents } from "./seasonLog.js";
import { userPreferences } from "./schema/index.js";
import { runStatement, type Statement } from "./statements.js";
import type { Preferences } from "../src/season/events.js";

/** The preferences of a user who never set any. */
export const DEFAULT_PREFERENCES: Preferences = { cardStyle: "classic", sound: true, locale: "en", colourBlindDeck: false };

const preferencesQuery = preparedPerDatabase((db) => db.select().from(userPreferences).where(eq(userPreferences.userId, sql.placeholder("userId"))).prepare("season_preferences_of"));

/** A user's preferences and when they last changed (null: defaults, never written). */
export async function preferencesOf(db: Database, userId: string): Promise<{ preferences: Preferences; updatedAt: string | null }> {
  const [r] = await preferencesQuery(db).execute({ userId });
  if (r === undefined) return { preferences: DEFAULT_PREFERENCES, updatedAt: null };
  return { preferences: { cardStyle: r.cardStyle, sound: r.sound, locale: r.locale, colourBlindDeck: r.colourBlindDeck }, updatedAt: r.updatedAt.toISOString() };
}

/** The upsert of a user's preferences, as constant text (db/statements.ts). */
const SET_PREFERENCES: Statement = {
  name: "season_set_preferences",
  text:
    "INSERT INTO user_preferences (user_id, card_style, sound, locale, colour_blind_deck, updated_at) VALUES ($1, $2, $3, $4, $5, $6) " +
    "ON CONFLICT (user_id) DO UPDATE SET card_style = excluded.card_style, sound = excluded.sound, locale = excluded.locale, colour_blind_deck = excluded.colour_blind_deck, updated_at = excluded.updated_at",
};

/** Replaces a user's preferences and appends USER_PREFERENCES_UPDATED, in one transaction. */
export async function setPreferences(db: Database, userId: string, playerId: string, prefs: Preferences): Promise<{ preferences: Preferences; updatedAt: string }> {
  return db.transaction(async (tx) => {
    const now = new Date();
    // Both statements in one round trip.
    await Promise.all([
      runStatement(tx, SET_PREFERENCES, [userId, prefs.cardStyle, prefs.sound, prefs.locale, prefs.colourBlindDeck, now.toISOString()]),
      appendSeasonEvents(tx, [{ type: "USER_PREFERENCES_UPDATED", playerId, payload: { _v: 1, userId, preferences: prefs } }]),
    ]);
    return { preferences: prefs, updatedAt: now.toISOString() };
  });
}
