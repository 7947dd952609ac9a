/** User preferences on `user_preferences` (defaults until the first write). */
import { eq, sql } from "drizzle-orm";
import type { Database } from "./client.js";
import { preparedPerDatabase } from "./prepared.js";
import { appendSeasonEvents } from "./seasonLog.js";
import { userPreferences } from "./schema/index.js";
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

/** Replaces a user's preferences and appends USER_PREFERENCES_UPDATED, in one transaction. */
export async function setPreferences(db: Database, userId: string, playerId: string, prefs: Preferences): Promise<{ preferences: Preferences; updatedAt: string }> {
  return db.transaction(async (tx) => {
    const now = new Date();
    // Both statements in one round trip.
    await Promise.all([
      tx
        .insert(userPreferences)
        .values({ userId, ...prefs, updatedAt: now })
        .onConflictDoUpdate({ target: userPreferences.userId, set: { ...prefs, updatedAt: now } })
        .execute(),
      appendSeasonEvents(tx, [{ type: "USER_PREFERENCES_UPDATED", playerId, payload: { _v: 1, userId, preferences: prefs } }]),
    ]);
    return { preferences: prefs, updatedAt: now.toISOString() };
  });
}
