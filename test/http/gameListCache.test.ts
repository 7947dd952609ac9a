/**
 * `GET /api/games` keeps each game's listing JSON in memory with the status it was made at
 * (src/http/stores/games.ts): a game that moves on (created -> in_progress) is listed with its new
 * status and `startedAt` at once, and a listing read twice is the same.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGame, markStarted } from "../../db/games.js";
import { playGame } from "../../db/testing/fixtures.js";
import type { SeatOccupant } from "../../src/game/types.js";
import { testBackends } from "../support/db.js";
import { call, field } from "./support/client.js";
import { startTestApi, type TestApi } from "./support/httpApp.js";

describe.each(testBackends())("GET /api/games listing cache on $name", (backend) => {
  let t: TestApi;
  beforeAll(async () => {
    t = await startTestApi(backend);
  });
  afterAll(async () => {
    await t.close();
  });

  it("lists a game with its current status after it starts, and the same JSON when nothing changed", async () => {
    const seats: SeatOccupant[] = ["a", "b", "c"].map((n, i) => ({ playerId: `00000000-0000-4000-8000-00000000000${i}` as SeatOccupant["playerId"], displayName: n, isBot: true }));
    const played = playGame("list-cache", seats);
    const [created] = played.events;
    if (created?.type !== "game_created") throw new Error("no game_created");
    await createGame(t.database.db, { created });
    const first = await call(t.url, "GET", "/api/games");
    expect(field(first.json, "data", 0)).toMatchObject({ id: played.gameId, status: "created", startedAt: null });
    expect((await call(t.url, "GET", "/api/games")).text).toBe(first.text);
    await markStarted(t.database.db, played.gameId, new Date("2026-01-02T03:04:05.000Z"));
    const started = await call(t.url, "GET", "/api/games");
    expect(field(started.json, "data", 0)).toMatchObject({ id: played.gameId, status: "in_progress", startedAt: "2026-01-02T03:04:05.000Z", sessionSeed: null });
    expect((await call(t.url, "GET", `/api/games?status=created`)).json).toMatchObject({ data: [] });
  });
});
