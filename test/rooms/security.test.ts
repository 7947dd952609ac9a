/**
 * Issue 15, through the public surfaces only (SDK clients over WebSocket, HTTP): private tables
 * need their invitation and stay out of public listings while live; a reconnection token alone
 * does not take a seat over. PGlite by default; PostgreSQL with DATABASE_URL.
 */
import { request } from "node:http";
import { Client } from "@colyseus/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { TableRoomLike } from "../../src/bots/client.js";
import { CLOSE_CODES, JOIN_ERRORS } from "../../src/shared/protocol.js";
import { TableState } from "../../src/shared/schema/TableState.js";
import { startTestServer, type TestPlayer, type TestServer } from "../support/server.js";
import { createTable, joinTable, waitUntil } from "./recorder.js";

let ts: TestServer;

beforeAll(async () => {
  ts = await startTestServer();
});
afterAll(async () => {
  await ts.close();
});

const players = (names: string[]): Promise<TestPlayer[]> => Promise.all(names.map((n) => ts.createPlayer(n)));

const welcomeSchema = z.object({ seat: z.number().nullable(), invite: z.string().nullable(), joinCode: z.string().nullable() });
const idsSchema = z.object({ data: z.array(z.object({ id: z.string() })) });
const sessionIdsSchema = z.object({ data: z.array(z.object({ gameId: z.string() })) });

async function getJson(path: string, token?: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${ts.httpUrl}${path}`, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: await res.json() };
}

describe("private tables (issue 15, High)", () => {
  let owner: TestPlayer;
  let friend: TestPlayer;
  let stranger: TestPlayer;
  let gameId = "";
  let invite = "";

  it("the creator sits without an invitation and gets it in welcome; a public table's welcome has none", async () => {
    const made = await players(["Owner", "Friend", "Stranger"]);
    [owner, friend, stranger] = [made[0]!, made[1]!, made[2]!];
    const host = await createTable(ts.client(owner), { seats: 3, isPublic: false, turnSeconds: 600 });
    gameId = host.room.roomId;
    const welcome = welcomeSchema.parse(await host.waitFor(() => host.of("welcome")[0], 5_000, "welcome"));
    expect(welcome.seat).toBe(0);
    expect(welcome.joinCode).toBeNull();
    expect(welcome.invite).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(welcome.invite).not.toContain(gameId);
    invite = welcome.invite ?? "";

    const open = await createTable(ts.client(stranger), { seats: 3 });
    const openWelcome = welcomeSchema.parse(await open.waitFor(() => open.of("welcome")[0], 5_000, "welcome"));
    expect(openWelcome.invite).toBeNull();
    await open.room.leave();
  });

  it("a stranger who knows the id can neither sit nor watch; a wrong invitation is refused too", async () => {
    const code = JOIN_ERRORS["table/invitation_required"];
    await expect(ts.client(stranger).joinById(gameId, {}, TableState)).rejects.toMatchObject({ code });
    await expect(ts.client(stranger).joinById(gameId, { spectate: true }, TableState)).rejects.toMatchObject({ code });
    await expect(ts.client(stranger).joinById(gameId, { invite: "A".repeat(22) }, TableState)).rejects.toMatchObject({ code });
    await expect(ts.client(stranger).joinById(gameId, { invite: gameId }, TableState)).rejects.toMatchObject({ code });
  });

  it("live, it is in no public listing, nor in the stranger's; its players see it", async () => {
    for (const token of [undefined, stranger.token]) {
      const list = idsSchema.parse((await getJson("/api/games?limit=100", token)).body);
      expect(list.data.map((g) => g.id)).not.toContain(gameId);
      const byPlayer = idsSchema.parse((await getJson(`/api/games?player=${owner.playerId}&limit=100`, token)).body);
      expect(byPlayer.data.map((g) => g.id)).not.toContain(gameId);
      const sessions = sessionIdsSchema.parse((await getJson(`/api/players/${owner.playerId}/sessions`, token)).body);
      expect(sessions.data.map((s) => s.gameId)).not.toContain(gameId);
      expect((await getJson(`/api/games/${gameId}`, token)).status).toBe(404);
    }
    const stats = z.object({ roomIds: z.array(z.string()) }).parse(await (await fetch(`${ts.httpUrl}/stats`)).json());
    expect(stats.roomIds).not.toContain(gameId);

    const mine = idsSchema.parse((await getJson(`/api/games?player=${owner.playerId}&limit=100`, owner.token)).body);
    expect(mine.data.map((g) => g.id)).toContain(gameId);
    const mySessions = sessionIdsSchema.parse((await getJson(`/api/players/${owner.playerId}/sessions`, owner.token)).body);
    expect(mySessions.data.map((s) => s.gameId)).toContain(gameId);
    expect((await getJson(`/api/games/${gameId}`, owner.token)).status).toBe(200);
  });

  it("with the invitation a friend sits and a stranger watches; a seated player rejoins without it", async () => {
    const seated = await joinTable(ts.client(friend), gameId, { invite });
    const w = welcomeSchema.parse(await seated.waitFor(() => seated.of("welcome")[0], 5_000, "welcome"));
    expect(w.seat).toBe(1);
    expect(w.invite).toBe(invite);
    const watcher = await joinTable(ts.client(stranger), gameId, { spectate: true, invite });
    const sw = welcomeSchema.parse(await watcher.waitFor(() => watcher.of("welcome")[0], 5_000, "welcome"));
    expect(sw.seat).toBeNull();
    expect(sw.invite).toBeNull();
    await seated.room.leave();
    // Left before the start: the seat is free again, so a rejoin needs the invitation once more.
    await expect(ts.client(friend).joinById(gameId, {}, TableState)).rejects.toMatchObject({ code: JOIN_ERRORS["table/invitation_required"] });
    await watcher.room.leave();
  });
});

describe("reconnection is bound to the seat owner (issue 15, item 2)", () => {
  it("another player's reconnection token, with no token or with the thief's own, is refused; the owner then comes back", async () => {
    const ps = await players(["Victim", "V2", "V3", "Thief"]);
    const host = await createTable(ts.client(ps[0]!), { seats: 3, turnSeconds: 600, reconnectSeconds: 30 });
    const rest = await Promise.all(ps.slice(1, 3).map((p) => joinTable(ts.client(p), host.room.roomId)));
    await host.waitFor(() => host.room.state.phase === "bidding", 10_000, "game start");
    await host.waitFor(() => (host.room.state.hands.get("0")?.cards.length ?? 0) > 0, 5_000, "a dealt hand");
    const token = host.room.reconnectionToken;
    await host.room.leave(false);
    await waitUntil(() => rest[0]!.room.state.seats[0]?.connected === false, 5_000, "seat shown as disconnected");

    const anonymous = new Client(ts.url);
    await expect(anonymous.reconnect<TableRoomLike>(token, TableState)).rejects.toBeDefined();
    await expect(ts.client(ps[3]!).reconnect<TableRoomLike>(token, TableState)).rejects.toBeDefined();
    expect(rest[0]!.room.state.seats[0]?.connected).toBe(false);

    const back = await ts.client(ps[0]!).reconnect<TableRoomLike>(token, TableState);
    await waitUntil(() => (back.state.hands.get("0")?.cards.length ?? 0) > 0, 5_000, "hand after reconnect");
    await waitUntil(() => rest[0]!.room.state.seats[0]?.connected === true, 5_000, "connected again");
    await back.leave();
    for (const r of rest) await r.room.leave();
  });

  it("the refusal is an HTTP 403 on the upgrade naming reconnect/not_seat_owner", async () => {
    const ps = await players(["Owner2", "O2", "O3", "Thief2"]);
    const host = await createTable(ts.client(ps[0]!), { seats: 3, turnSeconds: 600, reconnectSeconds: 30 });
    const rest = await Promise.all(ps.slice(1, 3).map((p) => joinTable(ts.client(p), host.room.roomId)));
    await host.waitFor(() => host.room.state.phase === "bidding", 10_000, "game start");
    const sessionId = host.room.sessionId;
    const [, secret] = host.room.reconnectionToken.split(":");
    await host.room.leave(false);
    await waitUntil(() => rest[0]!.room.state.seats[0]?.connected === false, 5_000, "seat shown as disconnected");
    // The upgrade request a thief's SDK would send, made by hand to read the answer.
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${ts.httpUrl}/any/${host.room.roomId}?sessionId=${sessionId}&reconnectionToken=${secret ?? ""}&_authToken=${ps[3]!.token}`, {
        headers: { connection: "Upgrade", upgrade: "websocket", "sec-websocket-version": "13", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==" },
      });
      req.on("response", (res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on("upgrade", (_res, socket) => {
        socket.destroy();
        resolve({ status: 101, body: "" });
      });
      req.on("error", reject);
      req.end();
    });
    expect(answer.status).toBe(403);
    expect(answer.body).toMatch(/^reconnect\/not_seat_owner/);
    for (const r of rest) await r.room.leave();
  });
});

describe("message floods (issue 15, item 4)", () => {
  const resultSchema = z.object({ ok: z.boolean(), code: z.string().optional() });

  async function flood(kind: "lobby" | "table"): Promise<{ handled: number; limited: number; closeCode: number }> {
    const [p] = await players([`Flooder-${kind}`]);
    const client = ts.client(p!);
    const room = kind === "lobby" ? await client.joinOrCreate("lobby") : await client.create("table", { seats: 3, turnSeconds: 600 });
    let handled = 0;
    let limited = 0;
    room.onMessage("result", (raw: unknown) => {
      const r = resultSchema.parse(raw);
      if (r.code === "rate_limited") limited += 1;
      else handled += 1;
    });
    room.onMessage("*", () => undefined);
    const closed = new Promise<number>((resolve) => room.onLeave((code: number) => resolve(code)));
    for (let i = 0; i < 5000; i++) room.send("nonsense", { i });
    const closeCode = await closed;
    return { handled, limited, closeCode };
  }

  it("a lobby client sending 5,000 messages is answered rate_limited, mostly ignored, and disconnected with 4029", async () => {
    const r = await flood("lobby");
    expect(r.closeCode).toBe(CLOSE_CODES.RATE_LIMITED);
    expect(r.limited).toBeGreaterThanOrEqual(1);
    expect(r.handled).toBeLessThanOrEqual(20 * 2);
  });

  it("the same at a table", async () => {
    const r = await flood("table");
    expect(r.closeCode).toBe(CLOSE_CODES.RATE_LIMITED);
    expect(r.handled).toBeLessThanOrEqual(20 * 2);
  });
});
