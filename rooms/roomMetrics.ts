/**
 * The rooms' Prometheus metrics, registered into the Registry the composition root passes in
 * (never prom-client's global registry), and served with every other metric at `GET /metrics`.
 *
 * - `pzo_rooms{room}`: live rooms of this process by room name (`table`, `replay`, `lobby`, `ranked`).
 * - `pzo_room_clients{room,role}`: their connections: `player` (a seated person or bot) or
 *   `spectator` at a table, `spectator` at a replay, `watcher` in a lobby, `searching` in the ranked room.
 * - `pzo_commands_total{type}`: commands the rules accepted and the log committed, by command
 *   type; moves/s is `rate(pzo_commands_total{type=~"bid|play|timeout"}[1m])`.
 *
 * The two gauges are counted when they are scraped, from the rooms themselves (each room
 * registers a census of its clients for as long as it lives), so no join or leave path can make
 * them drift.
 */
import { Counter, Gauge, type Registry } from "prom-client";
import type { CommandType } from "../src/game/types.js";
import type { RoomName } from "../src/shared/protocol.js";

/** Who a connection is, for `pzo_room_clients`. */
export type ClientRole = "player" | "spectator" | "watcher" | "searching";

/** A room's connections by role, counted at scrape time. */
export type RoomCensus = Readonly<Partial<Record<ClientRole, number>>>;

/** What the rooms report. */
export interface RoomMetrics {
  /** Counts `room` (by its name) until {@link RoomMetrics.untrack}; `census` is read at each scrape. */
  track(room: object, name: RoomName, census: () => RoomCensus): void;
  untrack(room: object): void;
  /** A command the rules accepted, once its events are committed. */
  commandApplied(type: CommandType): void;
}

/** Creates the rooms' metrics in `registry`. */
export function createRoomMetrics(registry: Registry): RoomMetrics {
  const live = new Map<object, { readonly name: RoomName; readonly census: () => RoomCensus }>();
  const registers = [registry];
  new Gauge({
    name: "pzo_rooms",
    help: "Live rooms of this process, by room name",
    labelNames: ["room"] as const,
    registers,
    collect() {
      this.reset();
      for (const { name } of live.values()) this.inc({ room: name });
    },
  });
  new Gauge({
    name: "pzo_room_clients",
    help: "Connections to this process's rooms, by room name and role (player, spectator, watcher, searching)",
    labelNames: ["room", "role"] as const,
    registers,
    collect() {
      this.reset();
      for (const { name, census } of live.values()) {
        for (const [role, count] of Object.entries(census())) this.inc({ room: name, role }, count);
      }
    },
  });
  const commands = new Counter({
    name: "pzo_commands_total",
    help: "Commands accepted by the rules and committed to the event log, by command type",
    labelNames: ["type"] as const,
    registers,
  });
  return {
    track: (room, name, census) => void live.set(room, { name, census }),
    untrack: (room) => void live.delete(room),
    commandApplied: (type) => commands.inc({ type }),
  };
}

/** Metrics that record nothing (tests that build rooms without a Registry). */
export const NO_ROOM_METRICS: RoomMetrics = { track: () => undefined, untrack: () => undefined, commandApplied: () => undefined };
