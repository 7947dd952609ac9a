/**
 * Game leases: which server process hosts each live game, so that after a process dies exactly
 * one survivor rebuilds each of its tables, and a process that lost a game can no longer append to
 * its log (docs/STORAGE.md, Leases).
 *
 * - Every process keeps one `node_leases` row alive ({@link renewNode}: one statement per
 *   interval, whatever the number of tables).
 * - `games.owner_node` names the process hosting the game. The event log's flush (db/eventLog.ts)
 *   inserts only rows of games this process owns (the fence), under a key-share lock on the game
 *   row, which conflicts with the claim's FOR UPDATE: a claim and a flush of the same game are
 *   serialized (the claim skips a game being flushed; a flush behind a claim re-checks the owner).
 * - {@link claimGames} takes games `in_progress` whose owner's lease expired (or is gone), in one
 *   UPDATE ... RETURNING that bumps `owner_epoch`. Concurrent sweeps skip each other's locked rows
 *   and re-check the owner, so each game is claimed by exactly one process.
 */
import { sql } from "drizzle-orm";
import type { GameId } from "../src/game/types.js";
import type { Database } from "./client.js";
import { gameIdSchema, parseStored } from "./domainSchemas.js";

/** A game this process just claimed, with the epoch its claim set. */
export interface ClaimedGame {
  readonly gameId: GameId;
  readonly epoch: number;
}

/** Starts or renews this process's lease until `ttlMs` from now (database clock). */
export async function renewNode(db: Database, nodeId: string, ttlMs: number): Promise<void> {
  await db.execute(sql`
    INSERT INTO node_leases (node_id, expires_at) VALUES (${nodeId}, now() + ${ttlMs}::double precision * interval '1 millisecond')
    ON CONFLICT (node_id) DO UPDATE SET expires_at = excluded.expires_at`);
}

/** Which games {@link claimGames} may take. */
export interface ClaimOptions {
  readonly limit: number;
  /** Every game in progress not already this process's (it knows it is the only process: no Redis). */
  readonly sole: boolean;
  /** Games whose owner's lease expired or is gone, too (not only games with no owner). */
  readonly expired: boolean;
}

/**
 * Claims up to `limit` games in progress with no owner (released) or, with `expired`, whose
 * owner's lease expired or is gone, oldest first, setting this process as the owner and bumping
 * the epoch.
 */
export async function claimGames(db: Database, nodeId: string, options: ClaimOptions): Promise<ClaimedGame[]> {
  const rows = await db.execute<{ id: string; owner_epoch: number }>(sql`
    UPDATE games SET owner_node = ${nodeId}, owner_epoch = owner_epoch + 1
    WHERE id IN (
      SELECT g.id FROM games g LEFT JOIN node_leases n ON n.node_id = g.owner_node
      WHERE g.status = 'in_progress' AND g.owner_node IS DISTINCT FROM ${nodeId}
        AND (${options.sole}::boolean OR g.owner_node IS NULL OR (${options.expired}::boolean AND (n.node_id IS NULL OR n.expires_at < now())))
      ORDER BY g.created_at, g.id
      LIMIT ${options.limit}
      FOR UPDATE OF g SKIP LOCKED)
    RETURNING id, owner_epoch`);
  return rowsOf<{ id: string; owner_epoch: number }>(rows).map((r) => ({ gameId: parseStored(gameIdSchema, r.id, "games.id"), epoch: Number(r.owner_epoch) }));
}

/** Of `gameIds`, those this process no longer owns (another claimed them). */
export async function lostGames(db: Database, nodeId: string, gameIds: readonly GameId[]): Promise<GameId[]> {
  if (gameIds.length === 0) return [];
  const rows = await db.execute<{ id: string }>(sql`
    SELECT id FROM games WHERE id = ANY(${`{${gameIds.join(",")}}`}::uuid[]) AND owner_node IS DISTINCT FROM ${nodeId}`);
  return rowsOf<{ id: string }>(rows).map((r) => parseStored(gameIdSchema, r.id, "games.id"));
}

/**
 * Drops the `room_directory` rows of waiting tables (`created`) whose process died: nobody can
 * join them any more (only games in progress are rebuilt). Returns how many went.
 */
export async function dropDeadListings(db: Database): Promise<number> {
  const rows = await db.execute<{ id: string }>(sql`
    DELETE FROM room_directory rd USING games g LEFT JOIN node_leases n ON n.node_id = g.owner_node
    WHERE rd.game_id = g.id AND g.status = 'created' AND g.owner_node IS NOT NULL AND (n.node_id IS NULL OR n.expires_at < now())
    RETURNING rd.id`);
  return rowsOf<{ id: string }>(rows).length;
}

/**
 * A graceful shutdown: gives up this process's games (a live process adopts them at its next
 * sweep, or this one restores them at its next start) and removes its lease.
 */
export async function releaseNode(db: Database, nodeId: string): Promise<number> {
  const rows = await db.execute<{ id: string }>(sql`UPDATE games SET owner_node = NULL WHERE owner_node = ${nodeId} AND status = 'in_progress' RETURNING id`);
  await db.execute(sql`DELETE FROM node_leases WHERE node_id = ${nodeId}`);
  return rowsOf(rows).length;
}

/** Removes leases expired for longer than `olderThanMs` (their games are claimable either way). */
export async function pruneNodes(db: Database, olderThanMs: number): Promise<void> {
  await db.execute(sql`DELETE FROM node_leases WHERE expires_at < now() - ${olderThanMs}::double precision * interval '1 millisecond'`);
}

/** postgres.js returns the rows as the result; PGlite as `.rows`. */
function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  if (typeof result === "object" && result !== null && "rows" in result && Array.isArray(result.rows)) return result.rows as T[];
  return [];
}
