/**
 * A refused `create` writes nothing (issue 19): table options, and the creator's own join options
 * that travel with them, are checked before the game row, event 0 or a directory row is written.
 * Runs `createTable` (rooms/table/lifecycle.ts) over the server's real storage on every backend.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { count } from "drizzle-orm";
import { createRoomDirectory } from "../../db/roomDirectory.js";
import { gameEvents } from "../../db/schema/gameEvents.js";
import { games } from "../../db/schema/games.js";
import { roomDirectory } from "../../db/schema/roomDirectory.js";
import { createTable } from "../../rooms/table/lifecycle.js";
import { databaseStorage, type Storage } from "../../src/app/storage.js";
import * as engine from "../../src/game/index.js";
import { createLogger } from "../../src/platform/logger.js";
import { testBackends, type TestDatabase } from "../support/db.js";

describe.each(testBackends())("a refused create writes nothing ($name)", (backend) => {
  let database: TestDatabase;
  let storage: Storage;
  beforeAll(async () => {
    database = await backend.create();
    storage = databaseStorage(database.handle, { maxBatch: 64, maxWaitMs: 2, logger: createLogger("silent"), ownsHandle: false });
  });
  afterAll(async () => {
    await storage.close();
    await database.close();
  });

  const deps = () => ({
    engine,
    games: storage.games,
    roomDirectory: createRoomDirectory(database.db),
    now: () => new Date(),
    randomUuid: () => randomUUID(),
    randomSeed: () => randomBytes(32).toString("hex"),
    restoreKey: "create-refused-test-restore-key",
  });
  const rows = async (): Promise<number[]> =>
    Promise.all([games, gameEvents, roomDirectory].map(async (table) => (await database.db.select({ n: count() }).from(table))[0]?.n ?? -1));

  it.each([
    ["a seat past the schema's range", { seat: 9 }, "join/invalid_options"],
    ["a seat past this table's seats", { seats: 3, seat: 3 }, "join/invalid_options"],
    ["a seat promised to a bot", { seats: 4, bots: 1, seat: 3 }, "table/seat_unavailable"],
    ["every seat promised to bots, not watching", { seats: 3, bots: 3 }, "table/seat_unavailable"],
    ["a malformed client seed", { clientSeed: "NOT-HEX" }, "join/invalid_client_seed"],
    ["a malformed join code", { joinCode: "bad" }, "join/invalid_options"],
    ["a bad table option", { seats: 9 }, "join/invalid_options"],
    ["more bots than seats", { seats: 3, bots: 4 }, "join/invalid_options"],
    ["a private table with a bad seat", { isPublic: false, seat: -1 }, "join/invalid_options"],
  ])("%s: refused with its code, and no game, event or directory row is written", async (_what, options, code) => {
    const before = await rows();
    const result = await createTable(deps(), options);
    expect(result).toMatchObject({ ok: false, code });
    expect(await rows()).toEqual(before);
  });

  it("accepted creates write their rows (so the checks above can fail), watching an all-bot table included", async () => {
    const before = await rows();
    expect(await createTable(deps(), { seats: 4, bots: 1, seat: 2 })).toMatchObject({ ok: true });
    expect(await createTable(deps(), { seats: 3, bots: 3, spectate: true, isPublic: false })).toMatchObject({ ok: true });
    const after = await rows();
    expect(after[0]).toBe((before[0] ?? 0) + 2); // two games
    expect(after[1]).toBe((before[1] ?? 0) + 2); // each with its game_created event
    expect(after[2]).toBe((before[2] ?? 0) + 1); // one public table listed
  });
});
