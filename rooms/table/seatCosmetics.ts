/**
 * Season 0 cosmetics on the seats: when a person takes a seat (`player_joined`), the seat shows
 * what they have equipped (recorded as `GAME_JOINED` in the Season log, which the replay reads
 * back); a seat left or taken over by a bot shows nothing. A failing lookup is logged and the
 * seat simply shows nothing: cosmetics never hold up a game.
 */
import type { GameEvent } from "../../src/game/types.js";
import type { Logger } from "../../src/platform/logger.js";
import type { TableState } from "../../src/shared/schema/TableState.js";
import type { SeasonSeats, SeatCosmetics, TableSeasonEvent } from "../ports.js";

/** Sets one seat's cosmetics in the state. */
export function showSeatCosmetics(state: TableState, seat: number, c: SeatCosmetics | null): void {
  const s = state.seats[seat];
  if (s === undefined) return;
  s.cardBack = c?.cardBack ?? "";
  s.seatFrame = c?.seatFrame ?? "";
}

/** Appends a table event to the Season log; a failure is logged, never thrown (the game goes on). */
export async function recordTableEvent(port: SeasonSeats | undefined, event: TableSeasonEvent, log: Logger): Promise<void> {
  if (port === undefined) return;
  try {
    await port.record(event);
  } catch (err) {
    log.warn({ err, type: event.type, gameId: event.payload.gameId }, "season log: could not record a table event");
  }
}

/**
 * Applies the seat changes among `events`: the seats' cosmetics (and `GAME_JOINED`), and
 * `GAME_LEFT` / `GAME_STARTED` in the Season log.
 */
export async function updateSeatCosmetics(state: TableState, gameId: string, events: readonly GameEvent[], port: SeasonSeats | undefined, log: Logger): Promise<void> {
  for (const e of events) {
    if (e.type === "game_started") {
      const playerIds = state.seats.map((s) => s.playerId).filter((id) => id !== "");
      await recordTableEvent(port, { type: "GAME_STARTED", playerId: null, payload: { _v: 1, gameId, playerIds } }, log);
    }
    if (e.type === "player_left") await recordTableEvent(port, { type: "GAME_LEFT", playerId: e.playerId, payload: { _v: 1, gameId, seat: e.seat, reason: e.reason } }, log);
    if (e.type === "player_left" || e.type === "seat_taken_by_bot") showSeatCosmetics(state, e.seat, null);
    if (e.type !== "player_joined") continue;
    if (e.isBot || port === undefined) {
      showSeatCosmetics(state, e.seat, null);
      continue;
    }
    try {
      showSeatCosmetics(state, e.seat, await port.seatTaken(gameId, e.seat, e.playerId));
    } catch (err) {
      log.warn({ err, gameId, seat: e.seat }, "seat cosmetics: could not record GAME_JOINED; the seat shows none");
      showSeatCosmetics(state, e.seat, null);
    }
  }
}

/** Shows every seat's recorded cosmetics (a restored table, or a replay). */
export async function loadSeatCosmetics(state: TableState, gameId: string, port: SeasonSeats | undefined, log: Logger): Promise<void> {
  if (port === undefined) return;
  try {
    for (const [seat, c] of await port.seatsOf(gameId)) showSeatCosmetics(state, seat, c);
  } catch (err) {
    log.warn({ err, gameId }, "seat cosmetics: could not read them; the seats show none");
  }
}
