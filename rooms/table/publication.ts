/**
 * What a table shows after each commit (the command pipeline's publisher): the state projected,
 * every event sent redacted per receiver, then the patch; then the follow-ups of those events (a
 * started game, notices, the directory's player count, seat cosmetics) and the matchmaking
 * listing, handed over only when it changed.
 */
import { outageLog } from "../../src/platform/outageLog.js";
import type { GameEvent, GameState } from "../../src/game/types.js";
import type { Logger } from "../../src/platform/logger.js";
import type { NoticeMessage } from "../../src/shared/protocol.js";
import type { TableState } from "../../src/shared/schema/TableState.js";
import type { RoomDeps } from "../ports.js";
import { projectGame } from "../projection.js";
import type { TableClient } from "./clients.js";
import { sendEvents } from "./eventFrames.js";
import { followUpsOf } from "./lifecycle.js";
import { ListingTracker, type Listing, type TableDirectoryRow } from "./listing.js";
import { updateSeatCosmetics } from "./seatCosmetics.js";

/** What the publication needs from its room. */
export interface PublicationPorts {
  readonly deps: Pick<RoomDeps, "engine" | "games" | "now" | "seasonSeats">;
  readonly state: TableState;
  readonly log: Logger;
  readonly directory: TableDirectoryRow;
  readonly clients: () => Iterable<TableClient>;
  readonly broadcastPatch: () => void;
  readonly notify: (notice: NoticeMessage) => void;
  /** The game started: the room stays when its clients leave (bots play on). */
  readonly started: () => void;
  /** The table's listing now (rooms/table/listing.ts, `listingOf`). */
  readonly listing: () => Listing;
  readonly setMatchmaking: (listing: Listing) => Promise<unknown>;
}

export class TablePublication {
  private readonly tracker = new ListingTracker();
  private listingChain: Promise<unknown> = Promise.resolve();

  constructor(private readonly ports: PublicationPorts) {}

  /** Projects the new state, sends every event redacted per receiver, then the patch. */
  publish(events: readonly GameEvent[], firstIndex: number, game: GameState): void {
    const { deps, state } = this.ports;
    projectGame(state, game, deps.engine);
    sendEvents(this.ports.clients(), (client) => client.userData?.seat ?? "spectator", events, firstIndex, deps.engine);
    this.ports.broadcastPatch();
  }

  /** The follow-ups of published events, then the listing. */
  async after(events: readonly GameEvent[], game: GameState): Promise<void> {
    const { deps, log } = this.ports;
    const followUps = followUpsOf(events);
    if (followUps.started) {
      this.ports.started();
      await deps.games.markStarted(game.gameId, deps.now());
    }
    for (const notice of followUps.notices) this.ports.notify(notice);
    if (followUps.seatsChanged) await this.ports.directory.setPlayers(game);
    await updateSeatCosmetics(this.ports.state, game.gameId, events, deps.seasonSeats, log);
    // The listing lives in the matchmaker's driver (Redis when configured): the command does not
    // wait for it (issue 19, item 1); updates still go out one after another, in order.
    void this.updateListing().catch((err: unknown) => outageLog.warn(log, { gameId: game.gameId }, "cannot update the table's matchmaking listing", err));
  }

  /** Hands the listing to the matchmaker when it changed (after any update still in flight). */
  updateListing(): Promise<void> {
    const run = this.listingChain.then(async () => {
      const listing = this.ports.listing();
      if (this.tracker.changed(listing)) await this.ports.setMatchmaking(listing);
    });
    this.listingChain = run.catch(() => undefined);
    return run;
  }
}
