/**
 * Equipped cosmetics at the table: a player who bought and equipped a card back and a seat frame
 * takes a seat; every other client at the table (a second player, a spectator) sees them on that
 * seat; `GAME_JOINED` records them in the Season log; and the game's replay shows the same.
 */
import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { equipCosmetics, unlockCosmetic } from "../../db/cosmetics.js";
import { seasonEvents } from "../../db/schema/index.js";
import { transfer } from "../../db/wallet.js";
import { smartPolicy } from "../../src/bots/policy.js";
import { startBotClient } from "../../src/bots/client.js";
import { TableState } from "../../src/shared/schema/TableState.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { joinTable, record, type ReplayRoomLike } from "./recorder.js";

let ts: TestServer;

beforeAll(async () => {
  // The SDK clients below move at machine speed, not a person's: the per-client message budget
  // (docs/PROTOCOL.md, Limits; tested in test/rooms/security.test.ts) is raised out of their way.
  ts = await startTestServer({ env: { ROOM_MESSAGES_PER_SECOND: "100000" } });
});
afterAll(async () => {
  await ts.close();
});

describe("table: equipped cosmetics are public on the seat", () => {
  it("others at the table see the seat's card back and frame; GAME_JOINED records them; the replay shows them", async () => {
    const [ann, bob, spec, cid, dee] = await Promise.all(["Ann", "Bob", "Spec", "Cid", "Dee"].map((n) => ts.createPlayer(n)));
    const db = ts.database.db;
    expect((await transfer(db, { kind: "deposit", currency: "coins", amount: 200, from: { kind: "system", name: "mint" }, to: { kind: "player", playerId: ann!.playerId }, requestedBy: "admin:test", idempotencyKey: randomUUID() })).ok).toBe(true);
    for (const id of ["midnight_back", "silver_frame"]) expect(await unlockCosmetic(db, ann!.playerId, id)).toMatchObject({ ok: true });
    expect(await equipCosmetics(db, ann!.playerId, { card_back: "midnight_back", seat_frame: "silver_frame" })).toMatchObject({ ok: true });

    const first = await startBotClient({ endpoint: ts.url, token: ann!.token, target: { kind: "create", options: { seats: 4 } }, policy: smartPolicy });
    const gameId = first.room.roomId;
    const watcher = await joinTable(ts.client(spec!), gameId, { spectate: true });
    const second = await startBotClient({ endpoint: ts.url, token: bob!.token, target: { kind: "join", roomId: gameId, seat: null }, policy: smartPolicy });
    const annSeat = await watcher.waitFor(() => watcher.room.state.seats.find((s) => s.playerId === ann!.playerId && s.cardBack !== ""), 20_000, "Ann's seat cosmetics");
    expect({ cardBack: annSeat.cardBack, seatFrame: annSeat.seatFrame }).toEqual({ cardBack: "midnight_back", seatFrame: "silver_frame" });
    // The second player's own decoded state shows them too.
    await watcher.waitFor(() => second.room.state.seats.some((s) => s.playerId === ann!.playerId && s.cardBack === "midnight_back"), 20_000, "Bob sees Ann's card back");
    const bobSeat = second.room.state.seats.find((s) => s.playerId === bob!.playerId);
    expect({ cardBack: bobSeat?.cardBack, seatFrame: bobSeat?.seatFrame }).toEqual({ cardBack: "", seatFrame: "" });
    const others = await Promise.all([cid!, dee!].map((p) => startBotClient({ endpoint: ts.url, token: p.token, target: { kind: "join", roomId: gameId, seat: null }, policy: smartPolicy })));
    for (const o of await Promise.all([first, second, ...others].map((h) => h.done))) expect(o.completed).toBe(true);

    const joined = await db.select().from(seasonEvents).where(and(eq(seasonEvents.type, "GAME_JOINED"), eq(seasonEvents.playerId, ann!.playerId)));
    expect(joined.map((e) => e.payload)).toEqual([{ _v: 1, gameId, seat: annSeat.seat, cosmetics: { card_back: "midnight_back", seat_frame: "silver_frame", table_felt: null } }]);

    const replay = record(await ts.client(spec!).create<ReplayRoomLike>("replay", { gameId, paused: true }, TableState));
    const shown = await replay.waitFor(() => replay.room.state.seats.find((s) => s.seat === annSeat.seat && s.cardBack !== ""), 10_000, "the replay's seat cosmetics");
    expect({ cardBack: shown.cardBack, seatFrame: shown.seatFrame }).toEqual({ cardBack: "midnight_back", seatFrame: "silver_frame" });
    await replay.room.leave();
    await watcher.room.leave();
  }, 120_000);
});
