/**
 * A table whose game another process claimed (its lease lapsed while this process stalled): the
 * next append is fenced, nothing is written, every client is closed with 4012 (TABLE_MOVED), and
 * the room goes without touching the new host's directory row (issue 19, item 3; E8 of the event log).
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renewNode } from "../../db/gameLeases.js";
import { games } from "../../db/schema/games.js";
import { roomDirectory } from "../../db/schema/roomDirectory.js";
import type { GameId } from "../../src/game/types.js";
import { CLOSE_CODES } from "../../src/shared/protocol.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { createTable, joinTable, waitUntil } from "./recorder.js";

let ts: TestServer;
beforeAll(async () => {
  ts = await startTestServer();
});
afterAll(async () => {
  await ts.close();
});

describe("a table another process took over", () => {
  it("refuses to write, closes its clients with 4012 and leaves the directory row to the new host", async () => {
    const [owner, watcher] = await Promise.all([ts.createPlayer("Owner"), ts.createPlayer("Watcher")]);
    const table = await createTable(ts.client(owner), { seats: 3 });
    const gameId = table.room.roomId as GameId;
    const spectator = await joinTable(ts.client(watcher), gameId, { spectate: true });
    let closedWith: number | null = null;
    spectator.room.onLeave((code: number) => (closedWith = code));
    await waitUntil(() => spectator.of("welcome").length > 0, 10_000, "the spectator's welcome");
    const before = (await ts.storage.eventLog.readAll(gameId)).length;

    // Another process claims the game (as its lease sweep would after this one's lease expired).
    await renewNode(ts.storage.handle.db, "another-process", 60_000);
    await ts.storage.handle.db.update(games).set({ ownerNode: "another-process", ownerEpoch: 1 }).where(eq(games.id, gameId));

    // The owner leaves: freeing the seat is an append, which the fence refuses.
    await table.room.leave(true);
    await waitUntil(() => closedWith !== null, 10_000, "the spectator to be closed");
    expect(closedWith).toBe(CLOSE_CODES.TABLE_MOVED);
    expect((await ts.storage.eventLog.readAll(gameId)).length).toBe(before);
    const row = await ts.storage.handle.db.select().from(roomDirectory).where(eq(roomDirectory.gameId, gameId));
    expect(row).toHaveLength(1);
  });
});
