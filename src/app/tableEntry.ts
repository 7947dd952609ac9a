/**
 * The Game Service over REST (`POST /api/games/start`, `/join`, `/leave`) on the same
 * matchmaker as the WebSocket entry: `start` is `matchMaker.create("table")`, `join` asks the
 * table whether it can seat the caller (`restSeatCheck`: `table/full`, `table/game_in_progress`)
 * and then `matchMaker.joinById` and has the table hold the seat for the reservation (as quick
 * play does, `holdSeat`); both answer a seat reservation the client consumes with
 * `client.consumeSeatReservation`. The room checks the join again when the reservation is
 * consumed (a seat can go meanwhile: the WebSocket join then fails as any join would).
 */
import { matchMaker } from "@colyseus/core";
import { z } from "zod";
import type { SeatReservation, TableEntry, TableEntryCode, TableEntryResult } from "../http/ports.js";
import { ROOM_NAMES } from "../shared/protocol.js";
import type { TableRoom } from "../../rooms/TableRoom.js";

/** How long a table may take to answer (ms). */
const CALL_TIMEOUT_MS = 2000;

const reservationSchema = z.looseObject({ roomId: z.string(), sessionId: z.string() });
const refusalSchema = z.object({ code: z.enum(["table/full", "table/game_in_progress"]), detail: z.string() }).nullable();

/** A matchmaking error's string code (the message starts with it, docs/PROTOCOL.md). */
function codeOf(err: unknown): { code: TableEntryCode; detail: string } {
  const message = err instanceof Error ? err.message : String(err);
  const code = /^([a-z_]+\/[a-z_]+)/.exec(message)?.[1];
  const known: Record<string, TableEntryCode> = {
    "join/invalid_options": "validation/failed",
    "join/invalid_client_seed": "validation/failed",
    "table/game_in_progress": "table/game_in_progress",
    "table/invitation_required": "table/invitation_required",
    "table/seat_unavailable": "table/full",
  };
  return { code: (code === undefined ? undefined : known[code]) ?? "unavailable", detail: message };
}

function reservationOf(raw: unknown): SeatReservation {
  return reservationSchema.parse(raw);
}

const authOf = (caller: { readonly token: string; readonly ip: string }) => ({ token: caller.token, ip: caller.ip, headers: new Headers() });

/** The REST game service over this process's matchmaker. */
export function createTableEntry(): TableEntry {
  return {
    async start(caller, options): Promise<TableEntryResult> {
      try {
        const reservation = reservationOf(await matchMaker.create(ROOM_NAMES.table, { ...options }, authOf(caller)));
        return { ok: true, gameId: reservation.roomId, reservation };
      } catch (err) {
        return { ok: false, ...codeOf(err) };
      }
    },
    async join(caller, gameId, options): Promise<TableEntryResult> {
      const listed = await matchMaker.query({ name: ROOM_NAMES.table, roomId: gameId });
      if (listed.length === 0) return { ok: false, code: "not_found", detail: `no live table ${gameId}` };
      if (options["spectate"] !== true) {
        const seat = typeof options["seat"] === "number" ? options["seat"] : null;
        let refusal: z.infer<typeof refusalSchema>;
        try {
          refusal = refusalSchema.parse(await matchMaker.remoteRoomCall<TableRoom>(gameId, "restSeatCheck", [caller.playerId, seat], CALL_TIMEOUT_MS));
        } catch (err) {
          return { ok: false, code: "unavailable", detail: `the table did not answer: ${err instanceof Error ? err.message : String(err)}` };
        }
        if (refusal !== null) return { ok: false, code: refusal.code, detail: refusal.detail };
      }
      let reservation: SeatReservation;
      try {
        reservation = reservationOf(await matchMaker.joinById(gameId, { ...options }, authOf(caller)));
      } catch (err) {
        return { ok: false, ...codeOf(err) };
      }
      // As quick play does: the table holds the seat for this reservation until it is consumed
      // (or the reservation expires), so two REST joins never get the same seat.
      if (options["spectate"] !== true && options["seat"] === undefined) {
        const held: unknown = await matchMaker.remoteRoomCall<TableRoom>(gameId, "holdSeat", [reservation.sessionId], CALL_TIMEOUT_MS).catch(() => false);
        if (held !== true) return { ok: false, code: "table/full", detail: "the last free seat went to someone else" };
      }
      return { ok: true, gameId, reservation };
    },
    async leave(playerId, gameId) {
      const listed = await matchMaker.query({ name: ROOM_NAMES.table, roomId: gameId });
      if (listed.length === 0) return { ok: false, code: "not_found", detail: `no live table ${gameId}` };
      const left: unknown = await matchMaker.remoteRoomCall<TableRoom>(gameId, "restLeave", [playerId], CALL_TIMEOUT_MS).catch(() => null);
      if (left === null) return { ok: false, code: "unavailable", detail: "the table did not answer" };
      return left === true ? { ok: true } : { ok: false, code: "table/not_seated", detail: "you hold no seat at this table" };
    },
  };
}
