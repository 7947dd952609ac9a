/**
 * The room directory (spec 004 §6.1, `room_directory`): public tables for matchmaking, one row
 * per live public table, with the join code players type to find it.
 *
 * Lifecycle (the rooms drive it):
 * - written with the `games` row and event 0 in one transaction when a public table is created
 *   (§8.1 step 3: `createGame(db, { listing })` in db/games.ts);
 * - `current_players` follows the seats taken while the table lives;
 * - removed when the table's room is disposed (finished, abandoned or the process shut down):
 *   the directory lists rooms that can be joined, not history. The game row and its event log
 *   stay for ever (the database refuses their deletion); only this directory row goes.
 */
import { randomInt } from "node:crypto";
import { eq } from "drizzle-orm";
import type { GameId } from "../src/game/types.js";
import { JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH } from "../src/shared/protocol.js";
import type { Database } from "./client.js";
import { roomDirectory } from "./schema/roomDirectory.js";


/** A fresh random join code (crypto randomness, uniform over the alphabet). */
export function newJoinCode(): string {
  let code = "";
  for (let i = 0; i < JOIN_CODE_LENGTH; i++) code += JOIN_CODE_ALPHABET[randomInt(JOIN_CODE_ALPHABET.length)] ?? "";
  return code;
}

/** Sets the number of seated players of a listed table. Returns false when it is not listed. */
export async function setListedPlayers(db: Database, gameId: GameId, currentPlayers: number): Promise<boolean> {
  const rows = await db.update(roomDirectory).set({ currentPlayers }).where(eq(roomDirectory.gameId, gameId)).returning({ id: roomDirectory.id });
  return rows.length > 0;
}

/** Removes a table's directory row (its room is gone). Returns false when there was none. */
export async function removeListing(db: Database, gameId: GameId): Promise<boolean> {
  const rows = await db.delete(roomDirectory).where(eq(roomDirectory.gameId, gameId)).returning({ id: roomDirectory.id });
  return rows.length > 0;
}

/** A table's directory row, or undefined. */
export async function getListing(db: Database, gameId: GameId): Promise<{ joinCode: string; isPublic: boolean; maxPlayers: number; currentPlayers: number } | undefined> {
  const [row] = await db
    .select({ joinCode: roomDirectory.joinCode, isPublic: roomDirectory.isPublic, maxPlayers: roomDirectory.maxPlayers, currentPlayers: roomDirectory.currentPlayers })
    .from(roomDirectory)
    .where(eq(roomDirectory.gameId, gameId));
  return row;
}

/** The directory as the rooms use it (the `RoomDirectory` port of rooms/ports.ts), over `db`. */
export function createRoomDirectory(db: Database): {
  newJoinCode(): string;
  setPlayers(gameId: GameId, currentPlayers: number): Promise<void>;
  remove(gameId: GameId): Promise<void>;
} {
  return {
    newJoinCode,
    async setPlayers(gameId, currentPlayers) {
      await setListedPlayers(db, gameId, currentPlayers);
    },
    async remove(gameId) {
      await removeListing(db, gameId);
    },
  };
}
