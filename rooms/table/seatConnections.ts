/**
 * Which connection plays each seat of a table, and what each connection may see: the seat
 * bookkeeping of the `table` room (its `connected` flags in the state, each seated client's
 * view of its own hand). The room calls it from its Colyseus hooks.
 */
import { StateView } from "@colyseus/schema";
import type { PlayerId, SeatIndex } from "../../src/game/types.js";
import type { TableState } from "../../src/shared/schema/TableState.js";
import { handOf } from "../projection.js";
import type { TableClient } from "./clients.js";

/** The connections of a table's seats. */
export class SeatConnections {
  private readonly bySeat = new Map<SeatIndex, TableClient>();

  constructor(private readonly state: TableState) {}

  /** Whether a connection plays `seat` now. */
  has(seat: SeatIndex): boolean {
    return this.bySeat.has(seat);
  }

  /** The connection that plays `seat`, if any. */
  clientOf(seat: SeatIndex): TableClient | undefined {
    return this.bySeat.get(seat);
  }

  /** Calls `fn` with every seated connection. */
  forEachClient(fn: (client: TableClient) => void): void {
    this.bySeat.forEach((client) => fn(client));
  }

  /** Whether `client` is the connection that plays `seat`. */
  isCurrent(seat: SeatIndex, client: TableClient): boolean {
    return this.bySeat.get(seat) === client;
  }

  /**
   * Gives `client` its seat (or none: a spectator) and its view: a seated client sees its own
   * hand. The same player's older connection to that seat becomes a spectator.
   */
  attach(client: TableClient, seat: SeatIndex | null, playerId: PlayerId): void {
    client.userData = { seat, playerId: seat === null ? null : playerId };
    const view = new StateView();
    if (seat !== null) {
      const previous = this.bySeat.get(seat);
      if (previous !== undefined && previous !== client) {
        previous.userData = { seat: null, playerId: null };
        previous.view?.dispose();
        previous.view = new StateView();
      }
      this.bySeat.set(seat, client);
      const hand = handOf(this.state, seat);
      if (hand !== undefined) view.add(hand);
      this.setConnected(seat, true);
    }
    client.view = view;
  }

  /** `client` is back on `seat` after a dropped connection. */
  reconnected(seat: SeatIndex, client: TableClient): void {
    this.bySeat.set(seat, client);
    this.setConnected(seat, true);
  }

  /** `client` left `seat` for good; false (and nothing changes) when another connection plays it now. */
  detach(seat: SeatIndex, client: TableClient): boolean {
    if (!this.isCurrent(seat, client)) return false;
    this.bySeat.delete(seat);
    this.setConnected(seat, false);
    return true;
  }

  /** Shows `seat` as connected or not (a dropped connection may still come back). */
  setConnected(seat: SeatIndex, connected: boolean): void {
    const s = this.state.seats[seat];
    if (s !== undefined) s.connected = connected;
  }
}
