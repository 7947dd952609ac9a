/**
 * The REST game service's questions to a table (src/app/tableEntry.ts asks them by remote room
 * call): can this person be seated, and leave this person's seat. The answers follow the same
 * rules as a WebSocket join (rooms/table/lifecycle.ts, `joinRequest`).
 */
import type { GameState } from "../../src/game/types.js";
import { asPlayerId } from "../../src/shared/identity.js";
import type { BotReservations } from "./botSeats.js";
import { joinRequest } from "./lifecycle.js";

/** Why a table cannot seat someone through REST. */
export type RestSeatRefusal = "table/full" | "table/game_in_progress";

/**
 * Whether `playerId` could take (or return to) a seat now: null when yes, else why not. A seat
 * held for quick play or promised to a bot does not count as free.
 */
export function restSeatCheck(game: GameState, reservations: BotReservations, playerId: string, seat: number | null): { code: RestSeatRefusal; detail: string } | null {
  const identity = { playerId: asPlayerId(playerId), displayName: "", isBot: false };
  const r = joinRequest(seat === null ? {} : { seat }, identity, game, reservations, `rest:${playerId}`);
  if (r.ok) return null;
  if (r.code === "table/game_in_progress") return { code: r.code, detail: r.detail };
  return { code: "table/full", detail: r.detail };
}

/**
 * REST leave: the person leaves their seat as a consented leave would (their connection is closed,
 * or with none the seat is vacated at once); false when they hold no seat in a game being played.
 */
export async function restLeave(game: GameState, playerId: string, ports: { readonly leaveConnection: (seat: number) => boolean; readonly vacate: (seat: number) => Promise<void> }): Promise<boolean> {
  const seat = game.seats.findIndex((s) => s.occupant?.playerId === playerId && !s.away);
  if (seat === -1 || game.phase === "completed") return false;
  if (!ports.leaveConnection(seat)) await ports.vacate(seat);
  return true;
}
