/**
 * Test helpers: a fresh in-memory PGlite database with the project's migrations, and direct
 * writes of players and ladder rows (as completeGame would commit them). Used by the ladder's
 * own tests only.
 */
import { randomBytes, randomUUID } from "node:crypto";
import postgres from "postgres";
import { and, eq, sql } from "drizzle-orm";
import { createDatabase, migrate, PGLITE_MEMORY, type Database, type DatabaseHandle } from "../../../db/client.js";
import { ALL_TIME_SEASON, ladderEntries, players } from "../../../db/schema/index.js";
import type { PlayerId } from "../../game/types.js";
import type { TierRef } from "../cache.js";
import { toPlayerId, type LadderEntryFields } from "../ranking.js";

/** A migrated in-memory PGlite database. */
export async function freshLadderDb(): Promise<DatabaseHandle> {
  const handle = await createDatabase({ pgliteDir: PGLITE_MEMORY });
  await migrate(handle);
  return handle;
}

/** The PostgreSQL server tests may use, or undefined. */
export const TEST_DATABASE_URL: string | undefined = process.env["DATABASE_URL"] === "" ? undefined : process.env["DATABASE_URL"];

/**
 * A fresh, migrated database on the PostgreSQL server of `DATABASE_URL` (its own
 * `ladder_test_<random>` database); `close()` also drops it.
 */
export async function freshPostgresLadderDb(): Promise<DatabaseHandle & { readonly url: string }> {
  if (TEST_DATABASE_URL === undefined) throw new Error("DATABASE_URL is not set");
  const name = `ladder_test_${randomBytes(6).toString("hex")}`;
  const admin = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => undefined });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  const handle = await createDatabase({ url: url.toString(), maxConnections: 20 });
  await migrate(handle);
  return {
    db: handle.db,
    kind: handle.kind,
    url: url.toString(),
    async close() {
      await handle.close();
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end({ timeout: 5 });
    },
  };
}

/** Inserts `n` human players; returns their ids. */
export async function insertPlayers(db: Database, n: number, userIds?: readonly string[]): Promise<PlayerId[]> {
  const rows = Array.from({ length: n }, (_, i) => ({
    id: randomUUID(),
    userId: userIds?.[i] ?? null,
    displayName: `player ${i}`,
    avatarSeed: `seed-${i}`,
    color: "#336699",
  }));
  if (rows.length > 0) await db.insert(players).values(rows);
  return rows.map((r) => toPlayerId(r.id));
}

/** Writes (inserts or overwrites) a ladder row, as a committed game would leave it. */
export async function putEntry(db: Database, tier: TierRef, e: LadderEntryFields): Promise<void> {
  const season = tier.tier === "all_time" ? ALL_TIME_SEASON : (tier.season ?? 0);
  const values = {
    playerId: e.playerId,
    tier: tier.tier,
    season,
    totalScore: e.total,
    highestScore: e.highest,
    gamesPlayed: e.games,
    wins: e.wins,
    scoreFirstReachedAt: new Date(e.firstReachedAt),
  };
  await db
    .insert(ladderEntries)
    .values(values)
    .onConflictDoUpdate({
      target: [ladderEntries.playerId, ladderEntries.tier, ladderEntries.season],
      set: { ...values, updatedAt: sql`now()` },
    });
}

/** Inserts many new ladder rows of one tier in one statement. */
export async function insertEntries(db: Database, tier: TierRef, entries: readonly LadderEntryFields[]): Promise<void> {
  if (entries.length === 0) return;
  const season = tier.tier === "all_time" ? ALL_TIME_SEASON : (tier.season ?? 0);
  await db.insert(ladderEntries).values(
    entries.map((e) => ({
      playerId: e.playerId,
      tier: tier.tier,
      season,
      totalScore: e.total,
      highestScore: e.highest,
      gamesPlayed: e.games,
      wins: e.wins,
      scoreFirstReachedAt: new Date(e.firstReachedAt),
    })),
  );
}

/** Deletes a ladder row. */
export async function deleteEntry(db: Database, tier: TierRef, playerId: PlayerId): Promise<void> {
  const season = tier.tier === "all_time" ? ALL_TIME_SEASON : (tier.season ?? 0);
  await db.delete(ladderEntries).where(and(eq(ladderEntries.playerId, playerId), eq(ladderEntries.tier, tier.tier), eq(ladderEntries.season, season)));
}
