/**
 * Contract suite of game leases and the event log's fence (db/gameLeases.ts, E8 in
 * db/eventLog.ts), on PGlite always and on PostgreSQL when DATABASE_URL is set.
 */
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SeatOccupant } from "../src/game/index.js";
import { testBackends, type TestDatabase } from "../test/support/db.js";
import { GameFencedError, GroupCommitEventLog, type StorageLogger } from "./eventLog.js";
import { claimGames, lostGames, pruneNodes, releaseNode, renewNode } from "./gameLeases.js";
import { createGame, markStarted } from "./games.js";
import { games } from "./schema/games.js";
import { createOccupants, playGame, type PlayedGame } from "./testing/fixtures.js";

const quiet: StorageLogger = { warn: () => undefined, error: () => undefined };

describe.each(testBackends())("game leases on $name", (backend) => {
  let t: TestDatabase;
  let occupants: SeatOccupant[];
  const logs: GroupCommitEventLog[] = [];
  let n = 0;

  /** A game created and started in the database, owned by `owner` (or nobody). */
  const started = async (owner: string | null): Promise<PlayedGame> => {
    const played = playGame(`${backend.name}:lease:${n++}`, occupants.slice(0, 4));
    const created = played.events[0];
    if (created?.type !== "game_created") throw new Error("fixture: first event is not game_created");
    await createGame(t.db, { created });
    await markStarted(t.db, played.gameId, new Date());
    await t.db.update(games).set({ ownerNode: owner }).where(eq(games.id, played.gameId));
    return played;
  };
  const ownerOf = async (played: PlayedGame) => (await t.db.select({ o: games.ownerNode, e: games.ownerEpoch }).from(games).where(eq(games.id, played.gameId)))[0];
  const fencedLog = (node: string) => {
    const log = new GroupCommitEventLog(t.db, { logger: quiet, fenceNode: node });
    logs.push(log);
    return log;
  };

  beforeAll(async () => {
    t = await backend.create();
    occupants = await createOccupants(t.db, `lease-${backend.name}`, 4, 0);
  });
  afterAll(async () => {
    for (const log of logs) await log.close();
    await t.close();
  });

  it("claims a dead owner's game exactly once and bumps the epoch; a live owner's stays", async () => {
    await renewNode(t.db, "alive", 60_000);
    await renewNode(t.db, "dead", -1_000);
    // A process renews its own lease before it claims (src/app/nodeLeases.ts).
    await renewNode(t.db, "b", 60_000);
    await renewNode(t.db, "c", 60_000);
    const ofDead = await started("dead");
    const ofAlive = await started("alive");
    const unowned = await started(null);
    const [b, c] = await Promise.all([claimGames(t.db, "b", { limit: 100, sole: false, expired: true }), claimGames(t.db, "c", { limit: 100, sole: false, expired: true })]);
    const claimed = [...b, ...c].map((g) => g.gameId);
    expect(claimed.filter((id) => id === ofDead.gameId)).toHaveLength(1);
    expect(claimed.filter((id) => id === unowned.gameId)).toHaveLength(1);
    expect(claimed).not.toContain(ofAlive.gameId);
    expect((await ownerOf(ofDead))?.e).toBe(1);
    expect(await lostGames(t.db, "alive", [ofAlive.gameId, ofDead.gameId])).toEqual([ofDead.gameId]);
  });

  it("sole takes every game in progress not already its own", async () => {
    await renewNode(t.db, "other", 60_000);
    const g = await started("other");
    const claimed = await claimGames(t.db, "solo", { limit: 1000, sole: true, expired: false });
    expect(claimed.map((c) => c.gameId)).toContain(g.gameId);
    expect((await ownerOf(g))?.o).toBe("solo");
  });

  it("E8: a fenced log writes only its own games; the old owner's appends are refused and nothing is written", async () => {
    await renewNode(t.db, "old", -1_000);
    const g = await started("old");
    const h = await started("old");
    const old = fencedLog("old");
    await old.append(g.gameId, g.events.slice(1, 3));
    await claimGames(t.db, "new", { limit: 1000, sole: false, expired: true });
    const fresh = fencedLog("new");
    const [refused, other] = await Promise.allSettled([old.append(g.gameId, g.events.slice(3, 4)), old.append(h.gameId, h.events.slice(1, 2))]);
    expect(refused.status === "rejected" && refused.reason instanceof GameFencedError).toBe(true);
    expect(other.status === "rejected" && other.reason instanceof GameFencedError).toBe(true);
    await expect(old.append(g.gameId, g.events.slice(3, 4))).rejects.toBeInstanceOf(GameFencedError);
    expect((await fresh.readAll(g.gameId)).length).toBe(3);
    await expect(fresh.append(g.gameId, g.events.slice(3, 5))).resolves.toEqual({ firstIndex: 3, lastIndex: 4 });
  });

  it("release gives the games up and removes the lease; prune removes old leases", async () => {
    await renewNode(t.db, "leaving", 60_000);
    const g = await started("leaving");
    expect(await releaseNode(t.db, "leaving")).toBeGreaterThanOrEqual(1);
    expect((await ownerOf(g))?.o).toBeNull();
    await renewNode(t.db, "ancient", -3_600_000);
    await pruneNodes(t.db, 60_000);
    const left = await t.db.execute(sql`SELECT count(*)::int AS n FROM node_leases WHERE node_id IN ('ancient', 'leaving')`);
    expect(JSON.stringify(left)).toContain('"n":0');
  });
});
