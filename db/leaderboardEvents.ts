/**
 * The spec's `LEADERBOARD_UPDATED` in `season_events`. A finished game's
 * ladder changes are read back from the `score_events` rows the ladder participant wrote in the
 * same completion transaction (so the events say exactly what the ladder did, whatever its rule),
 * and appended there too. `LEADERBOARD_RESET` is written by the season end (db/seasonEnd.ts).
 */
import { eq, sql } from "drizzle-orm";
import type { Transaction } from "./client.js";
import { appendSeasonEventsSelected } from "./seasonLog.js";
import { scoreEvents } from "./schema/index.js";
import type { CompletionParticipant } from "../src/completion/pipeline.js";
import type { SeasonEventType } from "../src/season/events.js";

/**
 * Appends one `LEADERBOARD_UPDATED` per ladder entry the game changed, in the completion
 * transaction: one `INSERT ... SELECT` from the game's `score_events` (one round trip with the
 * log's lock), in player and tier order. The payload is the schema's (`_v`, `gameId`, `tier`,
 * `season`, `delta`, `totalAfter`).
 */
export const leaderboardEventsParticipant: CompletionParticipant<Transaction, number> = {
  name: "leaderboard_events",
  async write(tx, game) {
    const seqs = await appendSeasonEventsSelected(
      tx,
      sql`SELECT ${"LEADERBOARD_UPDATED" satisfies SeasonEventType}::text, ${scoreEvents.playerId},
        jsonb_build_object('_v', 1, 'gameId', ${scoreEvents.gameId}, 'tier', ${scoreEvents.tier}, 'season', ${scoreEvents.season}, 'delta', ${scoreEvents.delta}, 'totalAfter', ${scoreEvents.totalAfter})
        FROM ${scoreEvents} WHERE ${eq(scoreEvents.gameId, game.gameId)} ORDER BY ${scoreEvents.playerId}, ${scoreEvents.tier}`,
    );
    return seqs.length;
  },
  afterCommit: () => Promise.resolve(),
};
