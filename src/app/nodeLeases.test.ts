/**
 * The lease keeper over a real database (PGlite, and PostgreSQL with DATABASE_URL), with a fake
 * clock and fake tables: adoption waits until the keeper has renewed for a whole lease, each dead
 * owner's game is adopted once, a failed rebuild is tried again later, and a keeper whose renewals
 * stopped for a lease period closes the tables another process claimed meanwhile.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renewNode } from "../../db/gameLeases.js";
import { createGame, markStarted } from "../../db/games.js";
import { games } from "../../db/schema/games.js";
import { createOccupants, playGame } from "../../db/testing/fixtures.js";
import { testBackends, type TestDatabase } from "../../test/support/db.js";
import type { GameId, SeatOccupant } from "../game/types.js";
import { createLogger } from "../platform/logger.js";
import { NodeLeaseKeeper, type NodeLeaseDeps } from "./nodeLeases.js";

describe.each(testBackends())("node lease keeper on $name", (backend) => {
  let t: TestDatabase;
  let occupants: SeatOccupant[];
  let n = 0;
  beforeAll(async () => {
    t = await backend.create();
    occupants = await createOccupants(t.db, `keeper-${backend.name}`, 4, 0);
  });
  afterAll(async () => t.close());

  /** A started game owned by `owner`. */
  const startedGame = async (owner: string): Promise<GameId> => {
    const played = playGame(`${backend.name}:keeper:${n++}`, occupants);
    const created = played.events[0];
    if (created?.type !== "game_created") throw new Error("fixture");
    await createGame(t.db, { created, ownerNode: owner });
    await markStarted(t.db, played.gameId, new Date());
    return played.gameId;
  };

  const keeper = (nodeId: string, clock: { now: number }, over: Partial<NodeLeaseDeps> = {}) =>
    new NodeLeaseKeeper({
      db: t.db,
      nodeId,
      leaseMs: 5_000,
      sweepMs: 60_000,
      sole: false,
      claims: true,
      adopt: () => Promise.resolve(),
      hosted: () => [],
      lose: () => undefined,
      logger: createLogger("silent"),
      now: () => clock.now,
      ...over,
    });

  it("adopts a dead owner's game once it has renewed for a whole lease, exactly once", async () => {
    await renewNode(t.db, `dead-${backend.name}`, -1_000);
    const game = await startedGame(`dead-${backend.name}`);
    const clock = { now: 0 };
    const adopted: GameId[] = [];
    const b = keeper(`b-${backend.name}`, clock, { adopt: (id) => Promise.resolve(void adopted.push(id)) });
    await b.register();
    await b.sweep(false);
    expect(adopted).not.toContain(game);
    clock.now = 5_000;
    await b.sweep(false);
    await b.sweep(false);
    expect(adopted.filter((id) => id === game)).toHaveLength(1);
    expect((await t.db.select({ e: games.ownerEpoch }).from(games).where(eq(games.id, game)))[0]?.e).toBe(1);
  });

  it("a failed rebuild stays claimed and is tried again 30 s later", async () => {
    await renewNode(t.db, `dead2-${backend.name}`, -1_000);
    const game = await startedGame(`dead2-${backend.name}`);
    const clock = { now: 0 };
    let tries = 0;
    const c = keeper(`c-${backend.name}`, clock, { adopt: (id) => (id === game && ++tries === 1 ? Promise.reject(new Error("injected")) : Promise.resolve()) });
    await c.register();
    clock.now = 5_000;
    await c.sweep(false);
    expect(tries).toBe(1);
    clock.now = 20_000;
    await c.sweep(false);
    expect(tries).toBe(1);
    clock.now = 36_000;
    await c.sweep(false);
    expect([tries, c.stats.adopted >= 1]).toEqual([2, true]);
  });

  it("after a gap in its renewals, closes the tables another process claimed meanwhile", async () => {
    const clock = { now: 0 };
    const lost: GameId[] = [];
    const nodeId = `a-${backend.name}`;
    const mine = await startedGame(nodeId);
    const taken = await startedGame(nodeId);
    const a = keeper(nodeId, clock, { claims: false, hosted: () => [mine, taken], lose: (id) => void lost.push(id) });
    await a.register();
    await a.sweep(false);
    await t.db.update(games).set({ ownerNode: "someone-else" }).where(eq(games.id, taken));
    clock.now = 1_000;
    await a.sweep(false);
    expect(lost).toEqual([]);
    clock.now = 7_000;
    await a.sweep(false);
    expect(lost).toEqual([taken]);
    expect(a.stats.lost).toBe(1);
  });
});
