/**
 * The Game Service over REST against a real server (rooms included): `POST /api/games/start`
 * and `/join` answer seat reservations that the SDK consumes (`client.consumeSeatReservation`);
 * a table whose seats are all taken or held is `table/full`; a started game without the caller's
 * seat is `table/game_in_progress`; `/leave` leaves the seat; GAME_CREATED, GAME_JOINED,
 * GAME_STARTED and GAME_LEFT land in `season_events`.
 */
import { and, asc, sql } from "drizzle-orm";
import { Client } from "@colyseus/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seasonEvents } from "../../db/schema/index.js";
import { TableState } from "../../src/shared/schema/TableState.js";
import { startTestServer, type TestPlayer, type TestServer } from "../support/server.js";
import { waitUntil } from "../rooms/recorder.js";

let ts: TestServer;

beforeAll(async () => {
  ts = await startTestServer();
});
afterAll(async () => {
  await ts.close();
});

async function post(path: string, who: TestPlayer | null, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${ts.httpUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(who === null ? {} : { authorization: `Bearer ${who.token}` }) },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}
const dataOf = (r: { json: Record<string, unknown> }) => r.json["data"] as { gameId: string; reservation: { roomId: string; sessionId: string } };

describe("REST game service", () => {
  it("start, join, full, in progress, leave; every step in season_events", async () => {
    const [a, b, c, d] = await Promise.all(["Ada", "Ben", "Cas", "Dot"].map((n) => ts.createPlayer(n)));
    const started = await post("/api/games/start", a!, { seats: 3 });
    expect(started.status).toBe(201);
    const { gameId, reservation } = dataOf(started);
    expect(reservation.roomId).toBe(gameId);
    const roomA = await new Client(ts.url).consumeSeatReservation(reservation as never, TableState);
    await waitUntil(() => roomA.state.seats.some((s) => s.playerId === a!.playerId), 10_000, "Ada seated");

    // Two REST joins get held seats; the third finds every seat taken or held.
    const joinB = await post("/api/games/join", b!, { gameId });
    const joinC = await post("/api/games/join", c!, { gameId });
    expect([joinB.status, joinC.status]).toEqual([201, 201]);
    const full = await post("/api/games/join", d!, { gameId });
    expect({ status: full.status, code: full.json["code"] }).toEqual({ status: 409, code: "table/full" });

    const rooms = await Promise.all([joinB, joinC].map((j) => new Client(ts.url).consumeSeatReservation(dataOf(j).reservation as never, TableState)));
    await waitUntil(() => roomA.state.phase !== "waiting", 10_000, "the game started");
    const late = await post("/api/games/join", d!, { gameId });
    expect({ status: late.status, code: late.json["code"] }).toEqual({ status: 409, code: "table/game_in_progress" });
    // Watching is still possible.
    expect((await post("/api/games/join", d!, { gameId, spectate: true })).status).toBe(201);

    const adaSeat = roomA.state.seats.findIndex((s) => s.playerId === a!.playerId);
    const left = await post("/api/games/leave", a!, { gameId });
    expect(left.status).toBe(200);
    // Her seat is marked away, then (in a started game) a bot takes it over, possibly within one
    // patch: either shows, as Ben sees it, that Ada no longer plays it.
    await waitUntil(
      () => {
        const seat = rooms[0]!.state.seats[adaSeat];
        return seat !== undefined && (seat.away || seat.playerId !== a!.playerId);
      },
      10_000,
      "Ada's seat left (as Ben sees it)",
    );
    const again = await post("/api/games/leave", a!, { gameId });
    expect({ status: again.status, code: again.json["code"] }).toEqual({ status: 409, code: "table/not_seated" });

    const unknown = "00000000-0000-4000-8000-000000000000";
    expect((await post("/api/games/join", b!, { gameId: unknown })).json["code"]).toBe("not_found");
    expect((await post("/api/games/leave", b!, { gameId: unknown })).json["code"]).toBe("not_found");
    expect((await post("/api/games/start", a!, { seats: 99 })).json["code"]).toBe("validation/failed");
    expect((await post("/api/games/start", null, {})).status).toBe(401);

    const events = async () =>
      ts.database.db
        .select({ type: seasonEvents.type, playerId: seasonEvents.playerId, payload: seasonEvents.payload })
        .from(seasonEvents)
        .where(and(sql`${seasonEvents.type} LIKE 'GAME_%'`, sql`${seasonEvents.payload}->>'gameId' = ${gameId}`))
        .orderBy(asc(seasonEvents.seq));
    // GAME_LEFT is written after the leave is committed: poll the log until it is there.
    let log = await events();
    for (const deadline = Date.now() + 10_000; !log.some((e) => e.type === "GAME_LEFT") && Date.now() < deadline; log = await events()) await new Promise((r) => setTimeout(r, 20));
    expect(log.filter((e) => e.type === "GAME_CREATED").map((e) => e.payload)).toEqual([{ _v: 1, gameId, seats: 3, bots: 0, isPublic: true }]);
    expect(log.filter((e) => e.type === "GAME_JOINED").map((e) => e.playerId).sort()).toEqual([a!, b!, c!].map((p) => p.playerId).sort());
    const start = log.find((e) => e.type === "GAME_STARTED");
    expect((start?.payload["playerIds"] as string[]).sort()).toEqual([a!, b!, c!].map((p) => p.playerId).sort());
    expect(log.filter((e) => e.type === "GAME_LEFT")).toEqual([{ type: "GAME_LEFT", playerId: a!.playerId, payload: { _v: 1, gameId, seat: 0, reason: "left" } }]);
    await Promise.all(rooms.map((r) => r.leave()));
  });
});
