/**
 * Sends committed events to a table's connections: one `event` message per event, redacted for
 * each receiver. Each distinct redaction of an event is encoded once (most events read the same
 * for everyone), and each client's frames of this tick leave in one socket write
 * (rooms/socketCork.ts).
 */
import { getMessageBytes, Protocol, type Client } from "@colyseus/core";
import type { GameEvent, Viewer } from "../../src/game/types.js";
import type { EventMessage } from "../../src/shared/protocol.js";
import { corkUntilNextTick } from "../socketCork.js";
import type { Engine } from "../ports.js";

/**
 * Encodes `events` (the first has index `firstIndex`) once per distinct redaction and queues them
 * to every client, as `viewerOf(client)` sees the table.
 */
export function sendEvents<C extends Client>(clients: Iterable<C>, viewerOf: (client: C) => Viewer, events: readonly GameEvent[], firstIndex: number, engine: Pick<Engine, "redactEvent">): void {
  const frames = events.map((event, i) => {
    const byViewer = new Map<Viewer, Uint8Array>();
    const byRedaction = new Map<GameEvent, Uint8Array>();
    return (viewer: Viewer): Uint8Array => {
      let bytes = byViewer.get(viewer);
      if (bytes === undefined) {
        const redacted = engine.redactEvent(event, viewer);
        bytes = byRedaction.get(redacted);
        if (bytes === undefined) {
          const message: EventMessage = { index: firstIndex + i, event: redacted };
          bytes = getMessageBytes.raw(Protocol.ROOM_DATA, "event", message);
          byRedaction.set(redacted, bytes);
        }
        byViewer.set(viewer, bytes);
      }
      return bytes;
    };
  });
  for (const client of clients) {
    corkUntilNextTick(client);
    const viewer = viewerOf(client);
    for (const frame of frames) client.enqueueRaw(frame(viewer));
  }
}
