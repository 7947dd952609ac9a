/**
 * Abuse limits (issue 15, item 4), through SDK clients and raw WebSockets only: live room
 * connections per player and per address in every room type, live tables and server bots per
 * creating player, a table its people left counting against its creator until its room goes, and
 * the message budget in a replay. Each leg runs a server with small limits: PGlite and PostgreSQL
 * with the in-process limiter, and PostgreSQL with the Redis limiter (the counts live in Redis).
 * Legs whose service is missing are skipped with a loud line.
 */
import { Client } from "@colyseus/sdk";
import { WebSocket } from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { CLOSE_CODES, JOIN_ERRORS } from "../../src/shared/protocol.js";
import { adminUrl } from "../support/db.js";
import { claimRedisDatabase, redisMissing, redisSuiteName, type ClaimedRedisDatabase } from "../support/redis.js";
import { startTestServer, type TestPlayer, type TestServer } from "../support/server.js";
import { createTable } from "./recorder.js";

const LIMITS = { ROOM_CONNECTIONS_PER_PLAYER: "3", ROOM_CONNECTIONS_PER_ADDRESS: "6", TABLES_PER_PLAYER: "2", BOTS_PER_PLAYER: "3" } as const;

const postgresMissing = adminUrl() === undefined;
if (postgresMissing) console.warn("\n*** LIMITS TEST: PostgreSQL legs SKIPPED: DATABASE_URL not set ***\n");
if (redisMissing) console.warn("\n*** LIMITS TEST: Redis leg SKIPPED: REDIS_URL not set ***\n");

interface Leg {
  readonly name: string;
  readonly skip: boolean;
  readonly database: "pglite" | "postgres";
  readonly redis: boolean;
}

const legs: readonly Leg[] = [
  { name: "PGlite, in-process limiter", skip: false, database: "pglite", redis: false },
  { name: postgresMissing ? "PostgreSQL, in-process limiter (SKIPPED: DATABASE_URL not set)" : "PostgreSQL, in-process limiter", skip: postgresMissing, database: "postgres", redis: false },
  { name: redisSuiteName(postgresMissing ? "PostgreSQL, Redis limiter (SKIPPED: DATABASE_URL not set)" : "PostgreSQL, Redis limiter"), skip: redisMissing || postgresMissing, database: "postgres", redis: true },
];

/** A `result` answering an `add_bot`. */
const addBotResultSchema = z.object({ ok: z.boolean(), type: z.string(), id: z.union([z.string(), z.number()]).optional(), code: z.string().optional(), message: z.string().optional() });

/** What a refused join rejects with. */
const joinErrorSchema = z.object({ code: z.number(), message: z.string() });

async function refusal(attempt: Promise<unknown>): Promise<z.infer<typeof joinErrorSchema>> {
  const outcome = await attempt.then(
    () => null,
    (err: unknown) => err,
  );
  if (outcome === null) throw new Error("the join was expected to be refused");
  return joinErrorSchema.parse(outcome);
}

/** Retries `attempt` until it succeeds (a leave is processed by the server a moment after the client sees it). */
async function eventually<T>(attempt: () => Promise<T>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

const reservationSchema = z.object({ sessionId: z.string(), room: z.object({ roomId: z.string(), processId: z.string() }).optional(), roomId: z.string().optional(), processId: z.string().optional() });

/**
 * Joins the lobby over a raw WebSocket carrying `headers` (what the SDK cannot send): resolves
 * "joined" on the JOIN_ROOM frame, "refused" on an ERROR frame or a close before it.
 */
async function rawLobbyJoin(ts: TestServer, headers: Record<string, string>): Promise<{ outcome: "joined" | "refused"; close: () => void }> {
  const response = await fetch(`${ts.httpUrl}/matchmake/joinOrCreate/lobby`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: "{}" });
  const reservation = reservationSchema.parse(await response.json());
  const roomId = reservation.room?.roomId ?? reservation.roomId;
  const processId = reservation.room?.processId ?? reservation.processId;
  const socket = new WebSocket(`${ts.url}/${processId}/${roomId}?sessionId=${reservation.sessionId}`, { headers });
  const outcome = await new Promise<"joined" | "refused">((resolve) => {
    socket.once("message", (data: Buffer) => resolve(data[0] === 10 ? "joined" : "refused"));
    socket.once("close", () => resolve("refused"));
    socket.once("error", () => resolve("refused"));
  });
  return { outcome, close: () => socket.close() };
}

describe.each(legs)("abuse limits on $name (issue 15, item 4)", (leg) => {
  let ts: TestServer;
  let redis: ClaimedRedisDatabase | undefined;

  beforeAll(async () => {
    if (leg.skip) return;
    // A Redis database of its own: Colyseus's presence and driver keys carry no prefix.
    redis = leg.redis ? await claimRedisDatabase() : undefined;
    const env = redis === undefined ? LIMITS : { ...LIMITS, REDIS_URL: redis.url };
    ts = await startTestServer({ env, database: leg.database });
  });
  afterAll(async () => {
    if (leg.skip) return;
    await ts.close();
    await redis?.release();
  });

  const player = (name: string): Promise<TestPlayer> => ts.createPlayer(name);

  it.skipIf(leg.skip)("a player's 4th live connection (lobby, table and replay alike) is refused with limits/too_many_connections; after a leave it joins again", async () => {
    const p = await player("Hoarder");
    const client = ts.client(p);
    const lobbyA = await client.joinOrCreate("lobby");
    const lobbyB = await client.joinOrCreate("lobby");
    const table = await createTable(client, { seats: 3, turnSeconds: 600 });
    const refused = await refusal(client.joinOrCreate("lobby"));
    expect(refused.code).toBe(JOIN_ERRORS["limits/too_many_connections"]);
    expect(refused.message).toMatch(/^limits\/too_many_connections: a player may hold at most 3/);
    // Another player is not affected.
    const other = await ts.client(await player("Neighbour")).joinOrCreate("lobby");
    await lobbyA.leave();
    const again = await eventually(() => client.joinOrCreate("lobby"));
    for (const room of [lobbyB, table.room, other, again]) await room.leave();
  });

  it.skipIf(leg.skip)("one address's 7th live connection is refused, anonymous or not; a forged X-Forwarded-For does not escape; a leave frees a place", async () => {
    const anonymous = Array.from({ length: 6 }, () => new Client(ts.url));
    const rooms = [];
    for (const c of anonymous) rooms.push(await c.joinOrCreate("lobby"));
    const refused = await refusal(new Client(ts.url).joinOrCreate("lobby"));
    expect(refused.code).toBe(JOIN_ERRORS["limits/too_many_connections"]);
    expect(refused.message).toMatch(/one address may hold at most 6/);
    const forged = await rawLobbyJoin(ts, { "x-forwarded-for": "203.0.113.7", "x-real-ip": "203.0.113.8" });
    forged.close();
    expect(forged.outcome).toBe("refused");
    await rooms.pop()?.leave();
    const again = await eventually(() => new Client(ts.url).joinOrCreate("lobby"));
    for (const room of [...rooms, again]) await room.leave();
  });

  it.skipIf(leg.skip)("a player's 3rd live table is refused with limits/too_many_tables; a table that goes gives its place back", async () => {
    const client = ts.client(await player("Builder"));
    const first = await createTable(client, { seats: 3, turnSeconds: 600 });
    const second = await createTable(client, { seats: 3, turnSeconds: 600, isPublic: false });
    const refused = await refusal(client.create("table", { seats: 3 }));
    expect(refused.code).toBe(JOIN_ERRORS["limits/too_many_tables"]);
    expect(refused.message).toMatch(/^limits\/too_many_tables: a player may have at most 2 live tables/);
    // A waiting table its only person left is disposed: the place comes back.
    await first.room.leave();
    const third = await eventually(() => createTable(client, { seats: 3, turnSeconds: 600 }));
    for (const r of [second, third]) await r.room.leave();
  });

  it.skipIf(leg.skip)("add_bot counts against the table creator's BOTS_PER_PLAYER: past it the result is limits/too_many_bots (nothing launched), and the creator's next bot table is refused", async () => {
    const client = ts.client(await player("BotAdder"));
    const table = await createTable(client, { seats: 5, bots: 2, turnSeconds: 600 });
    const bots = (): number => table.room.state.seats.filter((s) => s.isBot && s.occupied).length;
    const resultFor = (id: string) => table.waitFor(() => table.of("result").map((r) => addBotResultSchema.parse(r)).find((r) => r.id === id), 20_000, `the result of ${id}`);
    table.room.send("add_bot", { id: "third" });
    expect(await resultFor("third")).toMatchObject({ ok: true, type: "add_bot" });
    await table.waitFor(() => bots() === 3, 20_000, "three bots seated");
    table.room.send("add_bot", { id: "fourth" });
    const refused = await resultFor("fourth");
    expect(refused).toMatchObject({ ok: false, type: "add_bot", code: "limits/too_many_bots" });
    expect(refused.message).toMatch(/at most 3 server bots/);
    // A seat was free: the refusal is the limit, and no bot came.
    expect(table.room.state.seats.filter((s) => s.occupied).length).toBe(4);
    expect((await refusal(client.create("table", { seats: 3, bots: 1 }))).message).toMatch(/^limits\/too_many_bots/);
    await table.room.leave();
  });

  it.skipIf(leg.skip)("server bots past BOTS_PER_PLAYER are refused with limits/too_many_bots; a table its creator left counts until its game ends, then a replay flood is closed with 4029", async () => {
    const client = ts.client(await player("Botherder"));
    // Short turns: should the bot taking over the creator's seat be slow to come, timeouts play it.
    const botTable = await createTable(client, { seats: 3, bots: 2, turnSeconds: 1 });
    const gameId = botTable.room.roomId;
    await botTable.waitFor(() => botTable.room.state.phase === "bidding" || botTable.room.state.phase === "playing", 20_000, "the bot game to start");
    const refused = await refusal(client.create("table", { seats: 3, bots: 2 }));
    expect(refused.code).toBe(JOIN_ERRORS["limits/too_many_bots"]);
    expect(refused.message).toMatch(/^limits\/too_many_bots: .* at most 3 server bots/);
    // The creator leaves: a bot takes the seat and the bots play on; the table still counts.
    await botTable.room.leave();
    expect((await refusal(client.create("table", { seats: 3, bots: 2 }))).message).toMatch(/^limits\/too_many_bots/);
    // Once that game ends and its room goes, the creator may ask for bots again.
    const next = await eventually(() => createTable(client, { seats: 3, bots: 2, turnSeconds: 600 }), 150_000);
    await next.room.leave();

    // A replay of the finished game: a flood is answered rate_limited and closed with 4029.
    const replay = await ts.client(await player("ReplayFlooder")).create("replay", { gameId, paused: true });
    let limited = 0;
    replay.onMessage("replay_result", (raw: unknown) => {
      if (z.object({ code: z.string().optional() }).parse(raw).code === "rate_limited") limited += 1;
    });
    replay.onMessage("*", () => undefined);
    const closed = new Promise<number>((resolve) => replay.onLeave((code: number) => resolve(code)));
    for (let i = 0; i < 5000; i++) replay.send("pause", {});
    expect(await closed).toBe(CLOSE_CODES.RATE_LIMITED);
    expect(limited).toBeGreaterThanOrEqual(1);
  }, 180_000);
});

describe.each(legs)("matchmaking request budget per address on $name (issue 15, item 4)", (leg) => {
  let ts: TestServer;
  let redis: ClaimedRedisDatabase | undefined;

  beforeAll(async () => {
    if (leg.skip) return;
    // A Redis database of its own: Colyseus's presence and driver keys carry no prefix.
    redis = leg.redis ? await claimRedisDatabase() : undefined;
    const budget = { MATCHMAKE_RATE_LIMIT: "5/600" };
    const env = redis === undefined ? budget : { ...budget, REDIS_URL: redis.url };
    ts = await startTestServer({ env, database: leg.database });
  });
  afterAll(async () => {
    if (leg.skip) return;
    await ts.close();
    await redis?.release();
  });

  it.skipIf(leg.skip)("one address's 6th matchmaking request is refused with HTTP 429 limits/too_many_requests, whatever X-Forwarded-For says and whichever method; the SDK rejects with code 429", async () => {
    const create = (headers: Record<string, string> = {}): Promise<Response> =>
      fetch(`${ts.httpUrl}/matchmake/create/lobby`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: "{}" });
    // Five rooms created and never joined: each answered with a seat reservation.
    for (let i = 0; i < 5; i++) expect((await create()).status).toBe(200);
    const refused = await create();
    expect(refused.status).toBe(429);
    const body = z.object({ code: z.number(), error: z.string() }).parse(await refused.json());
    expect(body.code).toBe(429);
    expect(body.error).toMatch(/^limits\/too_many_requests: one address may make at most 5 matchmaking requests per 600 s; retry in \d+ s$/);
    expect((await create({ "x-forwarded-for": "203.0.113.9", "x-real-ip": "203.0.113.10" })).status).toBe(429);
    const sdk = await refusal(new Client(ts.url).joinOrCreate("lobby"));
    expect(sdk.code).toBe(JOIN_ERRORS["limits/too_many_requests"]);
    expect(sdk.message).toMatch(/^limits\/too_many_requests: /);
    expect((await refusal(new Client(ts.url).create("replay", { gameId: "00000000-0000-4000-8000-000000000000" }))).code).toBe(429);
  });
});
