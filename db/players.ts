/**
 * The players repository: persistent identities (bots included, spec 004 §5.1) and their
 * lifetime stats (§5.5, written only by the completion transaction).
 */
import { eq, inArray } from "drizzle-orm";
import type { PlayerId } from "../src/game/types.js";
import type { Database } from "./client.js";
import { parseStored, playerIdSchema } from "./domainSchemas.js";
import { StorageError } from "./errors.js";
import { playerLifetimeStats, type PlayerLifetimeStatsRow } from "./schema/playerStats.js";
import { players, type PlayerRow } from "./schema/players.js";

/** A `players` row with its id branded. */
export interface PlayerRecord {
  readonly id: PlayerId;
  readonly userId: string | null;
  readonly displayName: string;
  readonly avatarSeed: string;
  readonly color: string;
  readonly isBot: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

function toPlayerRecord(row: PlayerRow): PlayerRecord {
  return { ...row, id: parseStored(playerIdSchema, row.id, "players.id") };
}

/** What {@link createPlayer} needs. */
export interface NewPlayer {
  /** `users.id` (as text) of the owning account; omit for a one-off player or a bot. */
  readonly userId?: string | null;
  readonly displayName: string;
  readonly avatarSeed: string;
  readonly color: string;
  readonly isBot?: boolean;
  /** Use this id instead of a generated one (e.g. a bot's stable id). */
  readonly id?: PlayerId;
}

/**
 * The bot player with this fixed id (a ranked bot, src/ladder/botRatings.ts B1): inserted on first
 * use, left as it is afterwards. Concurrent first uses insert it once.
 */
export async function ensureBotPlayer(db: Database, input: { readonly id: PlayerId; readonly displayName: string; readonly avatarSeed: string; readonly color: string }): Promise<void> {
  await db
    .insert(players)
    .values({ id: input.id, displayName: input.displayName, avatarSeed: input.avatarSeed, color: input.color, isBot: true })
    .onConflictDoNothing({ target: players.id });
}

/** Inserts a player and returns it. Fails on a duplicate `userId` (UNIQUE). */
export async function createPlayer(db: Database, input: NewPlayer): Promise<PlayerRecord> {
  const [row] = await db
    .insert(players)
    .values({
      ...(input.id === undefined ? {} : { id: input.id }),
      userId: input.userId ?? null,
      displayName: input.displayName,
      avatarSeed: input.avatarSeed,
      color: input.color,
      isBot: input.isBot ?? false,
    })
    .returning();
  if (row === undefined) throw new StorageError("storage/insert_failed", "players row was not returned");
  return toPlayerRecord(row);
}

/** The player, or undefined. */
export async function getPlayer(db: Database, id: PlayerId): Promise<PlayerRecord | undefined> {
  const [row] = await db.select().from(players).where(eq(players.id, id));
  return row === undefined ? undefined : toPlayerRecord(row);
}

/** The players with these ids (missing ids are simply absent). */
export async function getPlayers(db: Database, ids: readonly PlayerId[]): Promise<PlayerRecord[]> {
  if (ids.length === 0) return [];
  const rows = await db.select().from(players).where(inArray(players.id, [...ids]));
  return rows.map(toPlayerRecord);
}

/** A player's lifetime stats (all zero before their first completed game). */
export interface LifetimeStats {
  readonly playerId: PlayerId;
  readonly gamesPlayed: number;
  readonly gamesWon: number;
  readonly highestScore: number | null;
  readonly lowestScore: number | null;
  readonly totalPoints: number;
  readonly totalTricksWon: number;
  readonly mostConsecutiveWins: number;
  readonly mostConsecutiveLosses: number;
  readonly currentWinStreak: number;
  readonly currentLossStreak: number;
  /** Bid figures: rounds played, rounds that took exactly the tricks bid, zero bids that took none. */
  readonly roundsPlayed: number;
  readonly bidsMade: number;
  readonly zeroBidsMade: number;
  /** Games whose seat was abandoned (docs/LADDER.md, L8); each also counts as lost. */
  readonly gamesAbandoned: number;
  /** Games in which every one of the player's bids was made (src/game `isPerfectGame`). */
  readonly perfectGames: number;
  readonly lastGameAt: Date | null;
}

function toLifetimeStats(row: PlayerLifetimeStatsRow): LifetimeStats {
  const { id: _id, ...rest } = row;
  return { ...rest, playerId: parseStored(playerIdSchema, row.playerId, "player_lifetime_stats.player_id") };
}

/** The stats of a player, or undefined before their first completed game. */
export async function getLifetimeStats(db: Database, playerId: PlayerId): Promise<LifetimeStats | undefined> {
  const [row] = await db.select().from(playerLifetimeStats).where(eq(playerLifetimeStats.playerId, playerId));
  return row === undefined ? undefined : toLifetimeStats(row);
}

/** Stats of many players at once (players without a completed game are absent). */
export async function getLifetimeStatsMany(db: Database, playerIds: readonly PlayerId[]): Promise<LifetimeStats[]> {
  if (playerIds.length === 0) return [];
  const rows = await db.select().from(playerLifetimeStats).where(inArray(playerLifetimeStats.playerId, [...playerIds]));
  return rows.map(toLifetimeStats);
}
