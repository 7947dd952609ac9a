/**
 * The `history` message: what a client that joins (or comes back) in the middle of a game did
 * not see, from the start of the current round (or the whole log before the first deal),
 * redacted for that client like every `event` message.
 */
import type { Client } from "@colyseus/core";
import type { GameEvent, Viewer } from "../src/game/types.js";
import type { Logger } from "../src/platform/logger.js";
import type { EventMessage, HistoryMessage } from "../src/shared/protocol.js";
import { asGameId } from "../src/shared/identity.js";
import type { RoomDeps } from "./ports.js";

/** The current round's events (indexes are log positions), redacted for `viewer`. */
export function roundHistory(events: readonly GameEvent[], viewer: Viewer, redact: (event: GameEvent, viewer: Viewer) => GameEvent): HistoryMessage {
  let start = 0;
  events.forEach((e, i) => {
    if (e.type === "round_started") start = i;
  });
  const out: EventMessage[] = [];
  for (let i = start; i < events.length; i++) {
    const event = events[i];
    if (event !== undefined) out.push({ index: i, event: redact(event, viewer) });
  }
  return { events: out };
}

/** Reads the log and sends `history` to one client; a failure is logged (the state is enough to play). */
export async function sendHistory(client: Client, viewer: Viewer, gameId: string, deps: Pick<RoomDeps, "eventLog" | "engine">, log: Logger): Promise<void> {
  try {
    client.send("history", roundHistory(await deps.eventLog.readAll(asGameId(gameId)), viewer, (e, v) => deps.engine.redactEvent(e, v)));
  } catch (err) {
    log.warn({ err, gameId }, "cannot send the round's history");
  }
}
