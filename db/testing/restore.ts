/**
 * Test helper: every game still `in_progress`, rebuilt from its log, as the event-log contract
 * suite checks it (the fold of the read log is the state the writer held). The server itself
 * restores a game as a table room that reads and folds its log (rooms/TableRoom.ts).
 */
import { fold, type GameEvent, type GameState } from "../../src/game/index.js";
import type { Database } from "../client.js";
import type { EventLog } from "../../src/platform/eventLog.js";
import { listInProgress, type GameRecord } from "../games.js";

/** A game to restore, with its whole log. */
export interface InProgressGame {
  readonly game: GameRecord;
  /** The committed events, index 0 first. */
  readonly events: readonly GameEvent[];
}

/**
 * Every game still `in_progress`, oldest first, with its committed events read through
 * `eventLog` (the caller folds them; see {@link restoreInProgressGames}).
 */
export async function loadInProgressGames(db: Database, eventLog: EventLog): Promise<InProgressGame[]> {
  const out: InProgressGame[] = [];
  for (const game of await listInProgress(db)) {
    out.push({ game, events: await eventLog.readAll(game.id) });
  }
  return out;
}

/** A game rebuilt by folding its log. */
export interface RestoredGame extends InProgressGame {
  /** `fold(events)`: the state the writer held after its last committed append. */
  readonly state: GameState;
}

/** A game whose log could not be read or folded; the others are restored regardless. */
export interface UnrestorableGame {
  readonly game: GameRecord;
  readonly error: unknown;
}

/**
 * Loads and folds every in-progress game with the engine's `fold`. A game whose log fails to
 * decode or fold is reported in `failed` rather than stopping the restore of the others.
 */
export async function restoreInProgressGames(
  db: Database,
  eventLog: EventLog,
): Promise<{ restored: RestoredGame[]; failed: UnrestorableGame[] }> {
  const restored: RestoredGame[] = [];
  const failed: UnrestorableGame[] = [];
  for (const game of await listInProgress(db)) {
    try {
      const events = await eventLog.readAll(game.id);
      restored.push({ game, events, state: fold(events) });
    } catch (error) {
      failed.push({ game, error });
    }
  }
  return { restored, failed };
}
