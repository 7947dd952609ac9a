/**
 * The waitlist's seat check, answered by the rooms themselves: every live `table` room the
 * matchmaker lists (all processes when the Redis driver is configured) is asked with a remote
 * room call whether the player holds a seat. Nothing is cached, so the answer cannot go stale.
 */
import { matchMaker } from "@colyseus/core";
import type { SeatCheck } from "../http/ports.js";
import { ROOM_NAMES } from "../shared/protocol.js";
import type { TableRoom } from "../../rooms/TableRoom.js";

/** How long one room may take to answer (ms). */
const CALL_TIMEOUT_MS = 2000;

/** The seat check over the matchmaker's live tables. */
export function createRoomSeatCheck(): SeatCheck {
  return {
    async isSeatedAtLiveTable(playerId) {
      const rooms = await matchMaker.query<TableRoom>({ name: ROOM_NAMES.table });
      // Only a room whose listing says its game is over is skipped: the listing is updated after
      // a move is shown, so a game that has just started may still be listed as "waiting". The
      // room's own answer (holdsLiveSeat) decides.
      const live = rooms.filter((r) => r.metadata?.phase !== "completed");
      const answers = await Promise.all(
        // A room that cannot answer (gone, or its process unreachable) counts as seated: the
        // removal is refused and can be retried, rather than allowed on a guess.
        live.map((r) =>
          matchMaker.remoteRoomCall<TableRoom>(r.roomId, "holdsLiveSeat", [playerId], CALL_TIMEOUT_MS).then(
            (v: unknown) => v === true,
            () => true,
          ),
        ),
      );
      return answers.some((a) => a);
    },
  };
}
