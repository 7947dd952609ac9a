/**
 * The games repository: creating a game (spec 004 §8.1), its status transitions, lookups, and
 * reading summaries (the room directory is db/roomDirectory.ts). Nothing here deletes a game or
 * an event (the database refuses it anyway).
 */
import { and, asc, eq, gt } from "drizzle-orm";
import type { GameConfig, GameCreatedEvent, GameId, GameSummary } from "../src/game/types.js";
import type { Database } from "./client.js";
import { finalScoresSchema, gameConfigSchema, gameIdSchema, parseStored, summaryPlayersSchema, summaryRoundsSchema } from "./domainSchemas.js";
import { GameNotFoundError, StorageError } from "./errors.js";
import { encodeEvent } from "./eventCodec.js";
import { gameEvents } from "./schema/gameEvents.js";
import { games, type GameRow, type GameStatus } from "./schema/games.js";
import { gameSummaries, type GameSummaryRow } from "./schema/gameSummaries.js";
import { roomDirectory } from "./schema/roomDirectory.js";

/** A `games` row, with its id branded and its config validated. */
export interface GameRecord {
  readonly id: GameId;
  readonly sessionSeed: string;
  readonly seedCommitment: string;
  readonly config: GameConfig;
  readonly status: GameStatus;
  /** A private table's invitation secret (null: a public table). */
  readonly inviteCode: string | null;
  /** Opened by the ranked queue. */
  readonly ranked: boolean;
  readonly startedAt: Date | null;
  readonly completedAt: Date | null;
  readonly createdAt: Date;
}

/** Maps a row read from `games` into a {@link GameRecord}, validating the jsonb config. */
export function toGameRecord(row: GameRow): GameRecord {
  return {
    id: parseStored(gameIdSchema, row.id, "games.id"),
    sessionSeed: row.sessionSeed,
    seedCommitment: row.seedCommitment,
    config: parseStored(gameConfigSchema, row.config, `games.config of ${row.id}`),
    status: row.status,
    inviteCode: row.inviteCode,
    ranked: row.ranked,
    startedAt: row.startedAt,
    completedAt: row.completedAt,
    createdAt: row.createdAt,
  };
}

/** A room's entry in the directory. */
export interface RoomListing {
  /** The code players type to join. */
  readonly joinCode: string;
  /** Shown in the lobby's list (spec 004 §6.1); a private room is found by its code only. */
  readonly isPublic: boolean;
}

/** What {@link createGame} needs. */
export interface CreateGameInput {
  /** The engine's `game_created` event (index 0 of the log); the row's columns come from it. */
  readonly created: GameCreatedEvent;
  /** Adds a `room_directory` row when given. */
  readonly listing?: RoomListing;
  /** A private table's invitation secret (default: none, a public table). */
  readonly inviteCode?: string | null;
  /** A table the ranked queue opened (default: false). */
  readonly ranked?: boolean;
  /** `games.created_at` (default: the database clock). */
  readonly createdAt?: Date;
  /** The process hosting the new table (`games.owner_node`, db/gameLeases.ts; default: none). */
  readonly ownerNode?: string | null;
}

/**
 * Creates a game in one transaction (spec 004 §8.1): the `games` row (status `created`), the
 * `game_created` event at index 0, and the `room_directory` row when a listing is given.
 * The event log seeds its counter from the database, so the game's next append gets index 1.
 */
export async function createGame(db: Database, input: CreateGameInput): Promise<GameRecord> {
  const { created } = input;
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(games)
      .values({
        id: created.gameId,
        sessionSeed: created.sessionSeed,
        seedCommitment: created.seedCommitment,
        config: created.config,
        status: "created",
        inviteCode: input.inviteCode ?? null,
        ranked: input.ranked ?? false,
        ownerNode: input.ownerNode ?? null,
        ...(input.createdAt === undefined ? {} : { createdAt: input.createdAt }),
      })
      .returning();
    if (row === undefined) throw new StorageError("storage/insert_failed", `games row for ${created.gameId} was not returned`);
    const encoded = encodeEvent(created);
    await tx.insert(gameEvents).values({ gameId: created.gameId, eventIndex: 0, type: encoded.type, payload: encoded.payload });
    if (input.listing !== undefined) {
      await tx.insert(roomDirectory).values({
        gameId: created.gameId,
        joinCode: input.listing.joinCode,
        isPublic: input.listing.isPublic,
        maxPlayers: created.config.seats,
        currentPlayers: 0,
      });
    }
    return toGameRecord(row);
  });
}

/**
 * Moves a game from `created` to `in_progress` (its `game_started` event is in the log).
 * Returns false when the game had already left `created` (a retry is harmless); throws
 * {@link GameNotFoundError} for an unknown game.
 */
export async function markStarted(db: Database, gameId: GameId, startedAt: Date): Promise<boolean> {
  const updated = await db
    .update(games)
    .set({ status: "in_progress", startedAt })
    .where(and(eq(games.id, gameId), eq(games.status, "created")))
    .returning({ id: games.id });
  if (updated.length > 0) return true;
  if ((await getGame(db, gameId)) === undefined) throw new GameNotFoundError(gameId);
  return false;
}

/** The game, or undefined when there is no such game. */
export async function getGame(db: Database, gameId: GameId): Promise<GameRecord | undefined> {
  const [row] = await db.select().from(games).where(eq(games.id, gameId));
  return row === undefined ? undefined : toGameRecord(row);
}

/** Every game still `in_progress`, oldest first: the games to restore after a restart. */
export async function listInProgress(db: Database): Promise<GameRecord[]> {
  const rows = await db.select().from(games).where(eq(games.status, "in_progress")).orderBy(asc(games.createdAt), asc(games.id));
  return rows.map(toGameRecord);
}

/** Maps a `game_summaries` row to the engine's {@link GameSummary}, validating its jsonb. */
export function toGameSummary(row: GameSummaryRow): GameSummary {
  const what = `game_summaries of ${row.gameId}`;
  return {
    gameId: parseStored(gameIdSchema, row.gameId, what),
    players: parseStored(summaryPlayersSchema, row.players, `${what}: players`),
    rounds: parseStored(summaryRoundsSchema, row.rounds, `${what}: rounds`),
    finalScores: parseStored(finalScoresSchema, row.finalScores, `${what}: final_scores`),
    highestBid: row.highestBid ?? 0,
    highestScore: row.highestScore ?? 0,
    lowestScore: row.lowestScore ?? 0,
    mostConsecutiveWins: row.mostConsecutiveWins ?? 0,
    mostConsecutiveLosses: row.mostConsecutiveLosses ?? 0,
    highestMisplay: row.highestMisplay ?? 0,
  };
}

/** The summary of a completed game, or undefined when the game has none (not completed). */
export async function getSummary(db: Database, gameId: GameId): Promise<GameSummary | undefined> {
  const [row] = await db.select().from(gameSummaries).where(eq(gameSummaries.gameId, gameId));
  return row === undefined ? undefined : toGameSummary(row);
}

/**
 * Every summary in completion order (`completion_seq`), `limit` at a time after `afterSeq`:
 * folding them in this order recomputes `player_lifetime_stats` exactly.
 */
export async function listSummariesInCompletionOrder(
  db: Database,
  opts: { limit: number; afterSeq?: number },
): Promise<{ seq: number; summary: GameSummary }[]> {
  const rows = await db
    .select()
    .from(gameSummaries)
    .where(opts.afterSeq === undefined ? undefined : gt(gameSummaries.completionSeq, opts.afterSeq))
    .orderBy(asc(gameSummaries.completionSeq))
    .limit(opts.limit);
  return rows.map((row) => ({ seq: row.completionSeq, summary: toGameSummary(row) }));
}
