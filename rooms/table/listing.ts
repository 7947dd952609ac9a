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
 * wake the lobby. Every field of the listing is compared (not a list of some), so a field added
 * later can never go stale; field by field rather than through JSON, since this runs on every move.
 */
export class ListingTracker {
  private last: Listing | null = null;

  /** True (and remembered) when `listing` differs from the last one handed over. */
  changed(listing: Listing): boolean {
    if (this.last !== null && sameListing(this.last, listing)) return false;
    this.last = listing;
    return true;
  }
}

/** Equal privacy and equal metadata fields (an array field: equal elements; any other object counts as changed). */
function sameListing(a: Listing, b: Listing): boolean {
  if (a.private !== b.private) return false;
  const fields: readonly unknown[] = Object.values(a.metadata);
  const others: readonly unknown[] = Object.values(b.metadata);
  return Object.keys(a.metadata).join() === Object.keys(b.metadata).join() && fields.every((v, i) => sameValue(v, others[i]));
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
  return Object.is(a, b);
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
