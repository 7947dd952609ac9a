/**
 * Errors the storage layer throws. Each has a stable, namespaced `code` (STYLE.md habit 5) so
 * callers can act on it and logs can be searched for it.
 */

/** Base class of every storage failure. */
export class StorageError extends Error {
  constructor(
    readonly code: `${string}/${string}`,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "StorageError";
  }
}

/** The game has no `games` row. */
export class GameNotFoundError extends StorageError {
  constructor(readonly gameId: string) {
    super("storage/game_not_found", `game ${gameId} does not exist`);
    this.name = "GameNotFoundError";
  }
}

/** A stored value does not have the shape this code writes (the row is damaged or foreign). */
export class StoredDataError extends StorageError {
  constructor(what: string, issues: string) {
    super("storage/invalid_stored_data", `${what} is not valid: ${issues}`);
    this.name = "StoredDataError";
  }
}
