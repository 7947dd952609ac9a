/**
 * The waitlist's seat check against real table rooms (spec 001's edge case "waitlist removal
 * may fail if the user is currently participating in a game"): the check the composition root
 * wires (src/app/seats.ts) asks the live `table` rooms through the matchmaker. A player seated
 * in a game being played cannot leave the waitlist (409 waitlist/in_game over HTTP); a seat in
 * a game that has ended no longer counts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRoomSeatCheck } from "../../src/app/seats.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { createTable } from "./recorder.js";

let ts: TestServer;
beforeAll(async () => {
  // Server bots move every 30 ms here, so a bots-only game lasts a few seconds: long enough to
  // ask the rooms while it is played (at 0 ms it can end before the first question).
  ts = await startTestServer({ env: { BOT_MOVE_DELAY_MS: "30" } });
});
afterAll(async () => {
  await ts.close();
});

const api = async (method: string, path: string, token: string): Promise<{ status: number; json: unknown }> => {
  const r = await fetch(ts.httpUrl + path, { method, headers: { authorization: `Bearer ${token}` } });
  return { status: r.status, json: await r.json() };
};
const field = (v: unknown, k: string): unknown => (typeof v === "object" && v !== null ? Reflect.get(v, k) : undefined);

describe("waitlist removal asks the table rooms", () => {
  it("refuses removal (waitlist/in_game) while the player holds a seat at a live table", async () => {
    const p = await ts.createPlayer("Seated");
    const joined = await api("POST", "/api/waitlist", p.token);
    expect(joined.status).toBe(201);
    const id = field(field(joined.json, "data"), "id");
    if (typeof id !== "string") throw new Error("no waitlist id");
    const table = await createTable(ts.client(p), { seats: 3, bots: 2, turnSeconds: 600 });
    await table.waitFor(() => table.room.state.phase === "bidding", 10_000, "game start");
    const refused = await api("DELETE", `/api/waitlist/${id}`, p.token);
    expect({ status: refused.status, code: field(refused.json, "code") }).toEqual({ status: 409, code: "waitlist/in_game" });
    expect(field(field((await api("GET", "/api/waitlist/status", p.token)).json, "data"), "status")).toBe("waiting");
    await table.room.leave();
  });

  it("a seat counts while its game is played and not once the game has ended", async () => {
    const watcher = await ts.createPlayer("Watcher");
    const seats = createRoomSeatCheck();
    const table = await createTable(ts.client(watcher), { seats: 3, bots: 3, spectate: true });
    await table.waitFor(() => table.room.state.phase === "bidding" || table.room.state.phase === "playing", 10_000, "game start");
    const bot = table.room.state.seats[0]?.playerId;
    if (bot === undefined) throw new Error("no bot seated");
    const during = await seats.isSeatedAtLiveTable(bot);
    expect(await seats.isSeatedAtLiveTable(watcher.playerId)).toBe(false);
    await table.waitFor(() => table.room.state.phase === "completed", 60_000, "bots finish the game");
    expect({ during, after: await seats.isSeatedAtLiveTable(bot) }).toEqual({ during: true, after: false });
    await table.room.leave();
  });
});
