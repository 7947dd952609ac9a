/**
 * Season 0 at the table: `GAME_JOINED` in `season_events` when a person takes a seat, carrying
 * what they had equipped, so the table shows it and a replay of the game shows the same.
 */
import { and, asc, eq, sql } from "drizzle-orm";
import type { Database } from "./client.js";
import { equippedOf } from "./cosmetics.js";
import { appendSeasonEvents } from "./seasonLog.js";
import { seasonEvents } from "./schema/index.js";
import { SEASON_EVENT_PAYLOADS, type NewSeasonEvent } from "../src/season/events.js";

/** What a seat shows. */
export interface SeatCosmeticsView {
  readonly cardBack: string | null;
  readonly seatFrame: string | null;
}

/** Appends `GAME_JOINED` with the player's equipped set, in one transaction; returns what the seat shows. */
export async function recordSeatTaken(db: Database, gameId: string, seat: number, playerId: string): Promise<SeatCosmeticsView> {
  return db.transaction(async (tx) => {
    const equipped = await equippedOf(tx, playerId);
    await appendSeasonEvents(tx, [{ type: "GAME_JOINED", playerId, payload: { _v: 1, gameId, seat, cosmetics: equipped } }]);
    return { cardBack: equipped.card_back, seatFrame: equipped.seat_frame };
  });
}

/** Each seat's cosmetics in a game: the latest `GAME_JOINED` of each seat, in log order. */
export async function seatCosmeticsOf(db: Database, gameId: string): Promise<Map<number, SeatCosmeticsView>> {
  const rows = await db
    .select({ payload: seasonEvents.payload })
    .from(seasonEvents)
    .where(and(eq(seasonEvents.type, "GAME_JOINED"), sql`${seasonEvents.payload}->>'gameId' = ${gameId}`))
    .orderBy(asc(seasonEvents.seq));
  const out = new Map<number, SeatCosmeticsView>();
  for (const r of rows) {
    const p = SEASON_EVENT_PAYLOADS.GAME_JOINED.safeParse(r.payload);
    if (p.success) out.set(p.data.seat, { cardBack: p.data.cosmetics.card_back, seatFrame: p.data.cosmetics.seat_frame });
  }
  return out;
}

/** Appends one table event (`GAME_CREATED`, `GAME_STARTED`, `GAME_LEFT`) in its own transaction. */
export async function recordTableEvent(db: Database, event: NewSeasonEvent): Promise<void> {
  await db.transaction((tx) => appendSeasonEvents(tx, [event]));
}
