/**
 * The `table`, `replay` and `lobby` rooms end to end: real SDK clients over WebSocket against a
 * server started by the test, on PGlite (or PostgreSQL with DATABASE_URL).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getSummary } from "../../db/games.js";
import { getLifetimeStats } from "../../db/players.js";
import { redactEvent } from "../../src/game/redactEvent.js";
import type { GameEvent, GameId } from "../../src/game/types.js";
import { smartPolicy } from "../../src/bots/policy.js";
import { startBotClient, type BotHandle, type TableRoomLike } from "../../src/bots/client.js";
import { JOIN_ERRORS } from "../../src/shared/protocol.js";
import { TableState } from "../../src/shared/schema/TableState.js";
import { startTestServer, type TestPlayer, type TestServer } from "../support/server.js";
import { createTable, joinTable, record, waitUntil, type Recorder, type ReplayRoomLike } from "./recorder.js";

let ts: TestServer;
const lobbyMessages: { type: string; payload: unknown }[] = [];

beforeAll(async () => {
  // One test floods a table with 1,000 bad messages on purpose; the per-client message limit
  // (ROOM_MESSAGES_PER_SECOND, tested in test/rooms/security.test.ts) is raised out of its way.
  ts = await startTestServer({ env: { ROOM_MESSAGES_PER_SECOND: "100000" } });
});
afterAll(async () => {
  await ts.close();
});

const players = (names: string[]): Promise<TestPlayer[]> => Promise.all(names.map((n) => ts.createPlayer(n)));

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

/** Events of a finished game as stored. */
async function storedEvents(gameId: string): Promise<readonly GameEvent[]> {
  return ts.storage.eventLog.readAll(gameId as GameId);
}

/** Public part of a decoded state (what a spectator and a replay share). */
function publicPart(state: unknown): unknown {
  if (!isRecord(state)) return state;
  const { hands: _hands, turnEndsAt: _t, seats, ...rest } = state;
  const list: unknown[] = Array.isArray(seats) ? seats : [];
  const cleanSeats = list.map((s: unknown) => (isRecord(s) ? { ...s, connected: undefined } : s));
  return { ...rest, seats: cleanSeats };
}

describe("lobby: ladder snapshot on join", () => {
  it("sends the open tables and a ladder snapshot", async () => {
    const [p] = await players(["Lobbyist"]);
    const client = ts.client(p!);
    const room = await client.joinOrCreate("lobby");
    room.onMessage("*", (type: string | number, payload: unknown) => lobbyMessages.push({ type: String(type), payload }));
    await waitUntil(() => lobbyMessages.some((m) => m.type === "ladder_snapshot"), 10_000, "ladder snapshot");
    expect(lobbyMessages.some((m) => m.type === "rooms")).toBe(true);
  });
});

describe("table: a full game with a spectator, then its replay", () => {
  let gameId = "";
  let spectator: Recorder;
  const seen: unknown[][] = [[], [], [], []];
  let handles: BotHandle[] = [];
  let ps: TestPlayer[] = [];

  it("four SDK clients play to completion; the DB log equals the events they saw; summary and stats rows exist", async () => {
    ps = await players(["Ann", "Bob", "Cid", "Dee", "Spec"]);
    const first = await startBotClient({
      endpoint: ts.url,
      token: ps[0]!.token,
      target: { kind: "create", options: { seats: 4 } },
      policy: smartPolicy,
      onEvent: (m) => seen[0]!.push(m),
    });
    gameId = first.room.roomId;
    spectator = await joinTable(ts.client(ps[4]!), gameId, { spectate: true });
    const others = await Promise.all(
      ps.slice(1, 4).map((p, i) =>
        startBotClient({ endpoint: ts.url, token: p.token, target: { kind: "join", roomId: gameId, seat: null }, policy: smartPolicy, onEvent: (m) => seen[i + 1]!.push(m) }),
      ),
    );
    handles = [first, ...others];
    const outcomes = await Promise.all(handles.map((h) => h.done));
    for (const o of outcomes) expect(o.completed).toBe(true);

    const stored = await storedEvents(gameId);
    expect(stored.at(-1)?.type).toBe("game_completed");
    // Every seat saw every event from the one it joined at, each redacted for it, in index order.
    for (let client = 0; client < 4; client++) {
      const seat = outcomes[client]!.seat;
      if (seat === null) throw new Error("a player without a seat");
      const received = seen[client]!.filter(isRecord);
      expect(received.length).toBeGreaterThan(0);
      const firstIndex = Number(received[0]!["index"]);
      expect(received.map((m) => m["index"])).toEqual(stored.slice(firstIndex).map((_, i) => firstIndex + i));
      expect(received.map((m) => m["event"])).toEqual(stored.slice(firstIndex).map((e) => redactEvent(e, seat)));
    }
    expect(await getSummary(ts.database.db, gameId as GameId)).toBeDefined();
    for (const p of ps.slice(0, 4)) expect(await getLifetimeStats(ts.database.db, p.playerId)).toBeDefined();
    expect(await ts.storage.games.status(gameId as GameId)).toBe("completed");
  });

  it("a spectator's decoded state and every message carry no hand, at any point of the game", async () => {
    await spectator.waitFor(() => spectator.states.some((s) => isRecord(s) && s["phase"] === "completed"), 10_000, "completed state");
    expect(spectator.states.length).toBeGreaterThan(20);
    for (const state of spectator.states) {
      expect(isRecord(state) && state["hands"] !== undefined && Object.keys(state["hands"] as object).length > 0).toBe(false);
    }
    const events = spectator.of("event");
    expect(events.length).toBeGreaterThan(50);
    for (const m of events) {
      if (!isRecord(m) || !isRecord(m["event"])) throw new Error("malformed event message");
      const e = m["event"];
      if (e["type"] === "round_started") expect((e["hands"] as unknown[][]).every((h) => h.length === 0)).toBe(true);
      if (e["type"] === "game_created") expect(e["sessionSeed"]).toBe("");
    }
    // No message of any type mentions a hand's cards under a `hand`/`hands` key.
    const text = JSON.stringify(spectator.messages);
    expect(text).not.toMatch(/"hand":\s*\[\s*"/);
    expect(text).not.toMatch(/"cards":\s*\[\s*"/);
  });

  it("GET /metrics counts the live rooms, their players and spectators, each committed command, and the event-log flushes", async () => {
    const stored = await storedEvents(gameId);
    const res = await fetch(`${ts.httpUrl}/metrics`);
    expect(res.status).toBe(200);
    const lines = (await res.text()).split("\n");
    const value = (series: string): number => {
      const line = lines.find((l) => l.startsWith(`${series} `));
      return line === undefined ? Number.NaN : Number(line.slice(series.length + 1));
    };
    // The spectator still watches the finished table; the lobby client from the first test is in.
    expect(value('pzo_rooms{room="table"}')).toBeGreaterThanOrEqual(1);
    expect(value('pzo_room_clients{room="table",role="spectator"}')).toBeGreaterThanOrEqual(1);
    expect(value('pzo_room_clients{room="lobby",role="watcher"}')).toBeGreaterThanOrEqual(1);
    // Only this game has been played so far: every bid and card a player sent is counted once.
    const sent = (type: "bid_placed" | "card_played"): number => stored.filter((e) => e.type === type && !e.auto).length;
    expect(value('pzo_commands_total{type="bid"}')).toBe(sent("bid_placed"));
    expect(value('pzo_commands_total{type="play"}')).toBe(sent("card_played"));
    // Every event after game_created (written with the games row) went through a flush.
    expect(value("pzo_eventlog_flush_events_sum")).toBe(stored.length - 1);
    expect(value("pzo_eventlog_flush_seconds_count")).toBe(value("pzo_eventlog_flush_events_count"));
    expect(value("pzo_eventlog_flush_events_count")).toBeGreaterThanOrEqual(1);
    expect(value("pzo_eventlog_flush_failures_total")).toBe(0);
  });

  it("the lobby got a ladder delta after the game completed", async () => {
    await waitUntil(() => lobbyMessages.some((m) => m.type === "ladder_delta"), 10_000, "ladder delta in the lobby");
    const delta = lobbyMessages.find((m) => m.type === "ladder_delta")?.payload;
    expect(isRecord(delta) && delta["type"]).toBe("ladder.changed");
  });

  it("a replay reproduces the live states, index by index (seek rebuilds with fold)", async () => {
    const client = ts.client(ps[4]!);
    const replay = record(await client.create<ReplayRoomLike>("replay", { gameId, paused: true }, TableState));
    const live = new Map<number, unknown>();
    for (const s of spectator.states) if (isRecord(s)) live.set(Number(s["eventCount"]), publicPart(s));
    expect(live.size).toBeGreaterThan(20);
    for (const [eventCount, state] of live) {
      if (eventCount < 2) continue;
      replay.room.send("seek", { index: eventCount - 1 });
      await replay.waitFor(() => isRecord(replay.room.state) && replay.room.state.eventCount === eventCount, 5_000, `replay at ${eventCount}`);
      expect(publicPart(replay.room.state.toJSON())).toEqual(state);
    }
    // Hands are revealed in a replay.
    const replayed = replay.room.state.toJSON();
    expect(isRecord(replayed) && isRecord(replayed["hands"]) && Object.keys(replayed["hands"]).length).toBe(4);
    const bad = replay.of("replay_result").length;
    replay.room.send("seek", { index: "x" });
    await replay.waitFor(() => replay.of("replay_result").length > bad, 5_000, "seek rejection");
    await replay.room.leave();
  });

  it("unknown and unfinished games get a clear replay error", async () => {
    const client = ts.client(ps[4]!);
    await expect(client.create("replay", { gameId: "00000000-0000-4000-8000-000000000000" })).rejects.toMatchObject({ code: JOIN_ERRORS["replay/not_found"] });
    const open = await createTable(ts.client(ps[0]!), { seats: 3 });
    await expect(client.create("replay", { gameId: open.room.roomId })).rejects.toMatchObject({ code: JOIN_ERRORS["replay/not_finished"] });
    await open.room.leave();
  });
});

describe("table: play again (docs/PROTOCOL.md, Play again)", () => {
  it("a finished table's players ask for the next table: one private table for all, told to each seated player only", async () => {
    const [ann, bob, stranger] = await players(["Ann2", "Bob2", "Stranger2"]);
    const bots = await createTable(ts.client(ann!), { seats: 3, bots: 1, turnSeconds: 600 });
    const gameId = bots.room.roomId;
    const b = await joinTable(ts.client(bob!), gameId);
    const watcher = await joinTable(ts.client(stranger!), gameId, { spectate: true });
    // Two humans and a bot: the humans play their own first legal moves until the end.
    const seated = [bots, b];
    await waitUntil(() => bots.room.state.phase === "bidding", 10_000, "the game starts");
    b.room.send("play_again", {});
    await b.waitFor(() => b.of("result").some((r) => isRecord(r) && r["type"] === "play_again" && r["code"] === "table/game_not_over"), 5_000, "refused before the end");
    const seatOf = (r: Recorder): unknown => r.of("welcome").map((w) => (isRecord(w) ? w["seat"] : null))[0];
    for (;;) {
      const me = await bots.waitFor(() => (bots.room.state.phase === "completed" ? "done" : seated.find((r) => seatOf(r) === bots.room.state.turn)), 20_000, "a human's turn");
      if (me === "done") break;
      const seat = Number(seatOf(me));
      // The mover's own state: its turn, with its legal moves.
      const hand = await me.waitFor(() => {
        const h = me.room.state.hands.get(String(seat));
        return me.room.state.turn === seat && h !== undefined && (h.legalBids.length > 0 || h.legalCards.length > 0) ? h : undefined;
      }, 10_000, "the mover's legal moves");
      const before = me.room.state.eventCount;
      const card = hand.legalCards[0];
      const bid = hand.legalBids[0];
      if (me.room.state.phase === "bidding" && bid !== undefined) me.room.send("bid", { bid });
      else if (card !== undefined) me.room.send("play", { card });
      await me.waitFor(() => me.room.state.eventCount > before || me.room.state.phase === "completed", 10_000, "the move lands");
    }
    bots.room.send("play_again", { id: 1 });
    b.room.send("play_again", { id: 2 });
    const told = await Promise.all(seated.map((r) => r.waitFor(() => r.of("play_again").at(-1), 10_000, "play_again")));
    const next = told.map((m) => (isRecord(m) ? m : {}));
    expect(next[0]).toEqual(next[1]);
    expect(next[0]).toMatchObject({ bots: 1 });
    expect(next[0]!["roomId"]).not.toBe(gameId);
    expect(watcher.of("play_again")).toHaveLength(0);
    const roomId = String(next[0]!["roomId"]);
    const invite = String(next[0]!["invite"]);
    // The next table is private: a stranger needs its invitation; the players sit with it.
    await expect(joinTable(ts.client(stranger!), roomId, { spectate: true })).rejects.toMatchObject({ code: JOIN_ERRORS["table/invitation_required"] });
    const again = await Promise.all([ann, bob].map((p) => joinTable(ts.client(p!), roomId, { invite })));
    await again[0]!.waitFor(() => again[0]!.room.state.phase === "bidding", 15_000, "the next game starts with its bot");
    expect(again[0]!.room.state.seats.filter((s) => s.isBot)).toHaveLength(1);
    for (const r of [...again, ...seated, watcher]) await r.room.leave();
  }, 120_000);
});

describe("table: bad input, reconnection, timeouts, takeover", () => {
  it("a player sending 1,000 malformed and illegal messages keeps the seat; the state is unchanged; each got a reason", async () => {
    const ps = await players(["M1", "M2", "M3", "M4"]);
    const host = await createTable(ts.client(ps[0]!), { seats: 4, turnSeconds: 600 });
    const rest = await Promise.all(ps.slice(1).map((p) => joinTable(ts.client(p), host.room.roomId)));
    const all = [host, ...rest];
    await host.waitFor(() => host.room.state.phase === "bidding", 10_000, "game start");
    const turn = host.room.state.turn;
    const offender = all.find((r) => r.of("welcome").some((w) => isRecord(w) && w["seat"] !== turn))!;
    const seat = Number((offender.of("welcome")[0] as Record<string, unknown>)["seat"]);
    await new Promise((r) => setTimeout(r, 300));
    const before = JSON.stringify(offender.room.state.toJSON());
    const resultsBefore = offender.of("result").length;
    const bad: [string, unknown][] = [
      ["bid", { bid: "three" }],
      ["bid", {}],
      ["bid", { bid: -1 }],
      ["bid", { bid: 1 }], // not your turn
      ["play", { card: "ZZ" }],
      ["play", { card: "AS" }], // not your turn / not playing
      ["play", 42],
      ["start", { now: true }],
      ["nonsense", { x: 1 }],
      ["add_bot", { seat: 9 }],
    ];
    for (let i = 0; i < 1000; i++) {
      const [type, payload] = bad[i % bad.length]!;
      offender.room.send(type, payload);
    }
    await offender.waitFor(() => offender.of("result").length - resultsBefore >= 1000, 30_000, "1000 results");
    const results = offender.of("result").slice(resultsBefore);
    expect(results).toHaveLength(1000);
    for (const r of results) {
      expect(isRecord(r) && r["ok"]).toBe(false);
      expect(isRecord(r) && typeof r["code"] === "string" && r["code"].includes("/")).toBe(true);
    }
    const codes = new Set(results.map((r) => (r as Record<string, unknown>)["code"]));
    expect(codes).toContain("protocol/invalid_message");
    expect(codes).toContain("protocol/unknown_message");
    expect(codes).toContain("rules/not_your_turn");
    await new Promise((r) => setTimeout(r, 300));
    expect(JSON.stringify(offender.room.state.toJSON())).toBe(before);
    expect(offender.room.state.seats[seat]?.connected).toBe(true);
    expect(offender.room.connection.isOpen).toBe(true);
    for (const r of all) await r.room.leave();
  });

  it("reconnecting mid-round restores the seat and the hand", async () => {
    const ps = await players(["R1", "R2", "R3"]);
    const host = await createTable(ts.client(ps[0]!), { seats: 3, turnSeconds: 600, reconnectSeconds: 30 });
    const rest = await Promise.all(ps.slice(1).map((p) => joinTable(ts.client(p), host.room.roomId)));
    await host.waitFor(() => host.room.state.phase === "bidding", 10_000, "game start");
    const mine = () => [...(host.room.state.hands.get(String(0))?.cards ?? [])];
    await host.waitFor(() => mine().length === 1, 5_000, "a dealt hand");
    const hand = mine();
    const token = host.room.reconnectionToken;
    await host.room.leave(false);
    await waitUntil(() => rest[0]!.room.state.seats[0]?.connected === false, 5_000, "seat shown as disconnected");
    const back = await ts.client(ps[0]!).reconnect<TableRoomLike>(token, TableState);
    await waitUntil(() => back.state.hands.get("0")?.cards.length === 1, 5_000, "hand after reconnect");
    expect([...(back.state.hands.get("0")?.cards ?? [])]).toEqual(hand);
    expect(back.state.seats[0]?.playerId).toBe(ps[0]!.playerId);
    await waitUntil(() => rest[0]!.room.state.seats[0]?.connected === true, 5_000, "connected again");
    await back.leave();
    for (const r of rest) await r.room.leave();
  });

  it("the turn timer moves for an idle seat through decide (auto: true)", async () => {
    const ps = await players(["T1", "T2", "T3"]);
    const host = await createTable(ts.client(ps[0]!), { seats: 3, turnSeconds: 1 });
    const rest = await Promise.all(ps.slice(1).map((p) => joinTable(ts.client(p), host.room.roomId)));
    const auto = await host.waitFor(
      () => host.of("event").find((m) => isRecord(m) && isRecord(m["event"]) && m["event"]["type"] === "bid_placed" && m["event"]["auto"] === true),
      10_000,
      "an automatic bid",
    );
    expect(auto).toBeDefined();
    for (const r of [host, ...rest]) await r.room.leave();
  });

  it("past the reconnection window a bot takes the seat over and plays it", async () => {
    const ps = await players(["B1", "B2", "B3"]);
    const host = await createTable(ts.client(ps[0]!), { seats: 3, turnSeconds: 2, reconnectSeconds: 0.5 });
    const rest = await Promise.all(ps.slice(1).map((p) => joinTable(ts.client(p), host.room.roomId)));
    await host.waitFor(() => host.room.state.phase === "bidding", 10_000, "game start");
    await rest[0]!.room.leave(false);
    const taken = await host.waitFor(
      () => host.of("event").find((m) => isRecord(m) && isRecord(m["event"]) && m["event"]["type"] === "seat_taken_by_bot"),
      10_000,
      "seat_taken_by_bot",
    );
    const seat = Number(((taken as Record<string, unknown>)["event"] as Record<string, unknown>)["seat"]);
    expect(host.room.state.seats[seat]?.isBot).toBe(true);
    await host.waitFor(() => host.room.state.seats[seat]?.connected === true, 10_000, "the bot connected");
    await host.waitFor(
      () => host.of("event").some((m) => isRecord(m) && isRecord(m["event"]) && m["event"]["seat"] === seat && (m["event"]["type"] === "bid_placed" || m["event"]["type"] === "card_played") && m["event"]["auto"] === false),
      20_000,
      "a move by the bot",
    );
    for (const r of [host, rest[1]!]) await r.room.leave();
  });

  it("a table of 4 bots finishes by itself", async () => {
    const [watcher] = await players(["Watcher"]);
    const table = await createTable(ts.client(watcher!), { seats: 4, bots: 4, spectate: true });
    await table.waitFor(() => table.room.state.phase === "completed", 60_000, "bots finish the game");
    expect(table.room.state.seats.every((s) => s.isBot)).toBe(true);
    expect((await storedEvents(table.room.roomId)).at(-1)?.type).toBe("game_completed");
    await table.room.leave();
  });
});
