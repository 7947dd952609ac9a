/**
 * The spec's `LEADERBOARD_UPDATED` in `season_events`. A finished game's
 * ladder changes are read back from the `score_events` rows the ladder participant wrote in the
 * same completion transaction (so the events say exactly what the ladder did, whatever its rule),
 * and appended there too. `LEADERBOARD_RESET` is written by the season end (db/seasonEnd.ts).
 */
import { asc, eq } from "drizzle-orm";
import type { Transaction } from "./client.js";
import { appendSeasonEvents } from "./seasonLog.js";
import { scoreEvents } from "./schema/index.js";
import type { CompletionParticipant } from "../src/completion/pipeline.js";
import type { NewSeasonEvent } from "../src/season/events.js";

/** Appends one `LEADERBOARD_UPDATED` per ladder entry the game changed, in the completion transaction. */
export const leaderboardEventsParticipant: CompletionParticipant<Transaction, number> = {
  name: "leaderboard_events",
  async write(tx, game) {
    const rows = await tx.select().from(scoreEvents).where(eq(scoreEvents.gameId, game.gameId)).orderBy(asc(scoreEvents.playerId), asc(scoreEvents.tier));
    const events: NewSeasonEvent[] = rows.map((r) => ({
      type: "LEADERBOARD_UPDATED",
      playerId: r.playerId,
      payload: { _v: 1, gameId: game.gameId, tier: r.tier, season: r.season, delta: r.delta, totalAfter: r.totalAfter },
    }));
    await appendSeasonEvents(tx, events);
    return events.length;
  },
  afterCommit: () => Promise.resolve(),
};
