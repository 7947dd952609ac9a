/**
 * Quick play never refuses: concurrent `joinOrCreate("table")` calls each end at a table with a
 * seat. A candidate table that fills (people and bots) or starts before a caller's seat is taken
 * is passed over for another table or a new one; nobody gets `table/game_in_progress`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Room } from "@colyseus/sdk";
import type { TableRoomLike } from "../../src/bots/client.js";
import { TableState } from "../../src/shared/schema/TableState.js";
import { startTestServer, type TestPlayer, type TestServer } from "../support/server.js";
import { waitUntil } from "./recorder.js";

let ts: TestServer;
beforeAll(async () => {
  // Bots move once a second: 40 tables of bots playing flat out would starve the joins still
  // under way of CPU on a shared machine (the subject here is seating, not play).
  ts = await startTestServer({ env: { BOT_MOVE_DELAY_MS: "1000" } });
});
afterAll(async () => {
  await ts.close();
});

async function quickPlay(players: readonly TestPlayer[], options: { bots?: number; seats?: number }): Promise<{ rooms: Room<TableRoomLike, TableState>[]; refusals: string[] }> {
  const outcomes = await Promise.allSettled(players.map((p) => ts.client(p).joinOrCreate<TableRoomLike>("table", options, TableState)));
  const rooms = outcomes.flatMap((o) => (o.status === "fulfilled" ? [o.value] : []));
  const refusals = outcomes.flatMap((o) => (o.status === "rejected" ? [o.reason instanceof Error ? o.reason.message : String(o.reason)] : []));
  return { rooms, refusals };
}

describe("quick play: joinOrCreate(\"table\") seats every caller", () => {
  it("40 concurrent callers with { bots: 3 }: 40 seated, none refused, bots fill the rest", async () => {
    const players = await Promise.all(Array.from({ length: 40 }, (_, i) => ts.createPlayer(`Quick${i}`)));
    const { rooms, refusals } = await quickPlay(players, { bots: 3 });
    const tables = new Set(rooms.map((r) => r.roomId));
    console.log(`[quick play bots:3] seated ${rooms.length}/40, refused ${refusals.length}, tables ${tables.size}${refusals.length > 0 ? `, first refusal: ${refusals[0]}` : ""}`);
    expect(refusals).toEqual([]);
    expect(rooms).toHaveLength(40);
    await Promise.all(
      rooms.map((room, i) => waitUntil(() => room.state.seats.some((s) => s.playerId === players[i]?.playerId), 15_000, `player ${i} seated`)),
    );
    // Every table fills: the people who landed there, and bots in every other seat.
    await Promise.all(rooms.map((room) => waitUntil(() => room.state.seats.every((s) => s.playerId !== ""), 20_000, "table full")));
    await Promise.all(rooms.map((r) => r.leave(true)));
  }, 120_000);

  it("40 concurrent callers without bots: 40 seated at 3-seat tables, none refused", async () => {
    const players = await Promise.all(Array.from({ length: 40 }, (_, i) => ts.createPlayer(`Plain${i}`)));
    const { rooms, refusals } = await quickPlay(players, { seats: 3 });
    console.log(`[quick play seats:3] seated ${rooms.length}/40, refused ${refusals.length}, tables ${new Set(rooms.map((r) => r.roomId)).size}`);
    expect(refusals).toEqual([]);
    await Promise.all(
      rooms.map((room, i) => waitUntil(() => room.state.seats.some((s) => s.playerId === players[i]?.playerId), 15_000, `player ${i} seated`)),
    );
    await Promise.all(rooms.map((r) => r.leave(true)));
  }, 120_000);
});
