/**
 * The room directory (`room_directory`, spec 004 §6.1) and join codes, end to end: real SDK
 * clients against a server started by the test (PostgreSQL with DATABASE_URL, else PGlite).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { getGame } from "../../db/games.js";
import { getListing, newJoinCode } from "../../db/roomDirectory.js";
import { roomDirectory } from "../../db/schema/roomDirectory.js";
import type { GameId } from "../../src/game/types.js";
import { JOIN_CODE_PATTERN, JOIN_ERRORS, tableJoinOptionsSchema, type WelcomeMessage } from "../../src/shared/protocol.js";
import type { TableRoomLike } from "../../src/bots/client.js";
import { TableState } from "../../src/shared/schema/TableState.js";
import { startTestServer, type TestPlayer, type TestServer } from "../support/server.js";
import { createTable, record, type Recorder } from "./recorder.js";

let ts: TestServer;

beforeAll(async () => {
  ts = await startTestServer();
});
afterAll(async () => {
  await ts.close();
});

const players = (names: string[]): Promise<TestPlayer[]> => Promise.all(names.map((n) => ts.createPlayer(n)));

function welcomeOf(r: Recorder): Promise<WelcomeMessage> {
  return r.waitFor(() => r.of("welcome")[0] as WelcomeMessage | undefined, 10_000, "welcome");
}

function listing(gameId: string) {
  return getListing(ts.database.handle.db, gameId as GameId);
}

/** Polls an async probe until it holds. */
async function eventually(probe: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function joinByCode(player: TestPlayer, joinCode: string): Promise<Recorder> {
  return record(await ts.client(player).join<TableRoomLike>("table", { joinCode }, TableState));
}

describe("join codes", () => {
  it("are six characters of the unambiguous alphabet, and the join option checks the shape", () => {
    const codes = new Set(Array.from({ length: 200 }, () => newJoinCode()));
    for (const code of codes) expect(code).toMatch(JOIN_CODE_PATTERN);
    expect(codes.size).toBeGreaterThan(190);
    expect(tableJoinOptionsSchema.safeParse({ joinCode: "K7QX2P" }).success).toBe(true);
    expect(tableJoinOptionsSchema.safeParse({ joinCode: "k7qx2p" }).success).toBe(false);
    expect(tableJoinOptionsSchema.safeParse({ joinCode: "O0I1L2" }).success).toBe(false);
  });
});

describe("room_directory rows of public tables", () => {
  it("a public table gets a row and a join code; players join by the code; the count follows the seats", async () => {
    const [a, b, c] = await players(["Dir A", "Dir B", "Dir C"]);
    const creator = await createTable(ts.client(a!), { seats: 3, isPublic: true });
    const welcome = await welcomeOf(creator);
    expect(welcome.joinCode).toMatch(JOIN_CODE_PATTERN);
    const gameId = welcome.gameId;

    await eventually(async () => (await listing(gameId))?.currentPlayers === 1, "row with 1 player");
    expect(await listing(gameId)).toEqual({ joinCode: welcome.joinCode, isPublic: true, maxPlayers: 3, currentPlayers: 1 });

    const joiner = await joinByCode(b!, welcome.joinCode!);
    expect(joiner.room.roomId).toBe(gameId);
    const second = await welcomeOf(joiner);
    expect(second).toMatchObject({ gameId, role: "player", seat: 1, joinCode: welcome.joinCode });
    await eventually(async () => (await listing(gameId))?.currentPlayers === 2, "row with 2 players");

    // A wrong code finds nothing (and creates nothing).
    const wrong = welcome.joinCode === "AAAAAA" ? "BBBBBB" : "AAAAAA";
    await expect(ts.client(c!).join("table", { joinCode: wrong })).rejects.toThrow(/no rooms found/);

    // A malformed code is refused as an option, and the table is unchanged.
    await expect(ts.client(c!).joinById(gameId, { joinCode: "bad" })).rejects.toMatchObject({ code: JOIN_ERRORS["join/invalid_options"] });
    expect((await listing(gameId))?.currentPlayers).toBe(2);

    // Everyone leaves before the start: the room goes, and with it the directory row; the game stays.
    await joiner.room.leave(true);
    await creator.room.leave(true);
    await eventually(async () => (await listing(gameId)) === undefined, "directory row removed");
    expect((await getGame(ts.database.handle.db, gameId as GameId))?.status).toBe("created");
  });

  it("a started game is no longer found by its code (its seated players rejoin by id)", async () => {
    const [a, b, c, d] = await players(["Dir D", "Dir E", "Dir F", "Dir G"]);
    const creator = await createTable(ts.client(a!), { seats: 3, isPublic: true });
    const { joinCode, gameId } = await welcomeOf(creator);
    const others = [await joinByCode(b!, joinCode!), await joinByCode(c!, joinCode!)];
    await creator.waitFor(() => creator.room.state.phase === "bidding", 10_000, "auto-start");
    await expect(ts.client(d!).join("table", { joinCode })).rejects.toThrow(/no rooms found/);
    expect((await listing(gameId))?.currentPlayers).toBe(3);
    for (const r of [creator, ...others]) await r.room.leave(true);
  });

  it("a private table has no row and no code", async () => {
    const [a] = await players(["Dir H"]);
    const creator = await createTable(ts.client(a!), { seats: 3, isPublic: false });
    const welcome = await welcomeOf(creator);
    expect(welcome.joinCode).toBeNull();
    const rows = await ts.database.handle.db.select().from(roomDirectory).where(eq(roomDirectory.gameId, welcome.gameId));
    expect(rows).toEqual([]);
    await creator.room.leave(true);
  });
});
