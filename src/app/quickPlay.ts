/**
 * Quick play never refuses. Colyseus answers `joinOrCreate("table")` with a seat reservation at
 * the first unlocked public table; under concurrency that table can fill (people and bots) or
 * start before the caller's WebSocket arrives, and the join then fails with
 * `table/game_in_progress`. Here, before the reservation is handed out, the candidate table is
 * asked to hold a seat for it (`holdSeat`, in rooms/TableRoom.ts); a table that cannot leaves
 * matchmaking and the call is retried: another table, or a new one. After a few refusals the
 * caller gets a table of their own (`create`), so the answer is always a seat, unless that new
 * table would pass the caller's abuse limits (`limits/too_many_tables`, rooms/admission.ts).
 *
 * Colyseus routes every matchmaking request through `matchMaker.controller.invokeMethod`, which
 * it documents as replaceable; this wraps it once per process (Colyseus keeps its matchmaker in
 * module state, one PZO server per process).
 */
import { matchMaker } from "@colyseus/core";
import { z } from "zod";
import { ROOM_NAMES } from "../shared/protocol.js";
import type { Logger } from "../platform/logger.js";

/** Candidates tried through `joinOrCreate` before the caller gets a new table. */
export const QUICK_PLAY_ATTEMPTS = 4;

const reservationSchema = z.object({ roomId: z.string(), sessionId: z.string() });
const spectateSchema = z.object({ spectate: z.literal(true) });
/** Matchmaking options are a JSON object (each room validates its own fields). */
const optionsSchema = z.record(z.string(), z.unknown());

/** The matchmaking entry point, as `matchMaker.controller` types it. */
type InvokeMethod = typeof matchMaker.controller.invokeMethod;
type AuthContext = Parameters<InvokeMethod>[3];

/** Asks the table to hold the reserved seat; false when it cannot (or does not answer). */
async function holdSeat(reservation: unknown, logger: Logger): Promise<boolean> {
  const ids = reservationSchema.safeParse(reservation);
  if (!ids.success) return true; // not a seat reservation we can check: pass it on unchanged
  try {
    const held: unknown = await matchMaker.remoteRoomCall(ids.data.roomId, "holdSeat", [ids.data.sessionId]);
    return held === true;
  } catch (err) {
    logger.warn({ err, roomId: ids.data.roomId }, "quick play: the candidate table did not answer holdSeat");
    return false;
  }
}

/** Quick play for one caller: a reservation whose seat the table holds. */
async function quickPlay(invoke: InvokeMethod, options: Record<string, unknown>, auth: AuthContext, logger: Logger): Promise<unknown> {
  for (let attempt = 0; attempt < QUICK_PLAY_ATTEMPTS; attempt++) {
    const reservation: unknown = await invoke("joinOrCreate", ROOM_NAMES.table, options, auth);
    if (await holdSeat(reservation, logger)) return reservation;
  }
  const fresh: unknown = await invoke("create", ROOM_NAMES.table, options, auth);
  if (!(await holdSeat(fresh, logger))) logger.warn("quick play: a new table refused to hold a seat");
  return fresh;
}

/** True for the calls quick play applies to: `joinOrCreate("table")` for a seat (not to watch). */
function isQuickPlay(method: string, roomName: string, options: unknown): boolean {
  return method === "joinOrCreate" && roomName === ROOM_NAMES.table && !spectateSchema.safeParse(options).success;
}

/** Installs quick play on the process's matchmaker; returns a function that removes it. */
export function installQuickPlay(logger: Logger): () => void {
  const controller = matchMaker.controller;
  const original: InvokeMethod = controller.invokeMethod.bind(controller);
  controller.invokeMethod = function invokeWithQuickPlay(method, roomName, clientOptions: unknown = {}, authOptions) {
    const options = optionsSchema.safeParse(clientOptions);
    if (!options.success || !isQuickPlay(method, roomName, options.data)) return original(method, roomName, clientOptions, authOptions);
    return quickPlay(original, options.data, authOptions, logger);
  };
  return () => {
    controller.invokeMethod = original;
  };
}
