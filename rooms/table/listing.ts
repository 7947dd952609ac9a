/**
 * What a table shows outside itself: its matchmaking listing (metadata and privacy, handed to
 * the matchmaker only when it changes) and its `room_directory` row (player count, removal).
 */
import type { GameId, GameState } from "../../src/game/types.js";
import type { Logger } from "../../src/platform/logger.js";
import type { TableListingMetadata } from "../../src/shared/protocol.js";
import type { RoomDirectory } from "../ports.js";

/** Seats with an occupant. */
export function seatedCount(game: GameState): number {
  return game.seats.filter((s) => s.occupant !== null).length;
}

/** A table's listing, as the matchmaker and the lobby see it. */
export interface Listing {
  readonly private: boolean;
  readonly metadata: TableListingMetadata;
}

/**
 * The listing of a table: public only while it has an open seat (waiting for players, and a seat
 * nobody sits in, no bot is on its way to and no quick-play caller holds).
 */
export function listingOf(game: GameState, isPublic: boolean, joinCode: string | null, hasOpenSeat: boolean): Listing {
  return {
    private: !isPublic || !hasOpenSeat,
    metadata: {
      gameId: game.gameId,
      seats: game.config.seats,
      seated: seatedCount(game),
      turnSeconds: game.config.turnSeconds,
      phase: game.phase,
      isPublic,
      joinCode,
      round: game.round,
      players: game.seats.map((s) => s.occupant?.displayName ?? ""),
    },
  };
}

/**
 * Remembers the listing last handed to the matchmaker. Only joins, leaves and phase changes
 * change it, so an ordinary move does not write the driver (a Redis HSET with RedisDriver) nor
 * wake the lobby. The whole listing is the key, so a field added later can never go stale.
 */
export class ListingTracker {
  private last = "";

  /** True (and remembered) when `listing` differs from the last one handed over. */
  changed(listing: Listing): boolean {
    const key = JSON.stringify(listing);
    if (key === this.last) return false;
    this.last = key;
    return true;
  }
}

/** A table's `room_directory` row. Failures are logged: the directory is not the game. */
export class TableDirectoryRow {
  constructor(
    private readonly directory: RoomDirectory,
    private readonly log: Logger,
    private readonly gameId: GameId,
    /** Only a public table created here has a row whose player count is kept. */
    private readonly hasPlayerCount: boolean,
    /** The table may have a row to remove when its room goes (a restored one may have a stale row). */
    private readonly mayBeListed: boolean,
  ) {}

  async setPlayers(game: GameState): Promise<void> {
    if (!this.hasPlayerCount) return;
    try {
      await this.directory.setPlayers(this.gameId, seatedCount(game));
    } catch (err) {
      this.log.error({ err, gameId: this.gameId }, "cannot update the room directory's player count");
    }
  }

  async remove(): Promise<void> {
    if (!this.mayBeListed) return;
    try {
      await this.directory.remove(this.gameId);
    } catch (err) {
      this.log.error({ err, gameId: this.gameId }, "cannot remove the room directory row");
    }
  }
}
