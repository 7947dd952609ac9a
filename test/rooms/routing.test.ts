/**
 * One address, two processes: a local stand-in for Fly's proxy (round robin per connection,
 * honouring `fly-replay` or not) in front of two server processes on PostgreSQL and Redis, with
 * no PUBLIC_URL. Every join must reach its room: 40 creates, 20 joins by code, 20 rejoins by id,
 * lobbies, replays, 12 concurrent quick-play joins and the SSE stream, once with ROOM_ROUTING=fly-replay (the default on a Fly
 * machine) and once with ROOM_ROUTING=forward behind a proxy that ignores `fly-replay`.
 * Runs only when both DATABASE_URL and REDIS_URL are set; otherwise it says loudly that it was
 * skipped.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client, type Room } from "@colyseus/sdk";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { guestLogin, startBotClient, type TableRoomLike } from "../../src/bots/client.js";
import { smartPolicy } from "../../src/bots/policy.js";
import { TableState } from "../../src/shared/schema/TableState.js";
import { getListing } from "../../db/roomDirectory.js";
import type { GameId } from "../../src/game/types.js";
import { testBackends, type TestDatabase } from "../support/db.js";
import { claimRedisDatabase } from "../support/redis.js";
import { startFlyProxy, type FlyProxy } from "../support/flyProxy.js";
import { freePort, startServerProcess, type ServerProcess } from "./serverProcess.js";
import { waitUntil } from "./recorder.js";

const databaseUrl = process.env["DATABASE_URL"];
const redisUrl = process.env["REDIS_URL"];
const ready = databaseUrl !== undefined && databaseUrl !== "" && redisUrl !== undefined && redisUrl !== "";
if (!ready) {
  console.warn("\n*** ROOM ROUTING TEST SKIPPED: set DATABASE_URL and REDIS_URL to run two server processes behind the proxy stand-in ***\n");
}

const statsSchema = z.object({ processId: z.string(), roomIds: z.array(z.string()) });

async function roomIdsOf(server: ServerProcess): Promise<readonly string[]> {
  const response = await fetch(`${server.httpUrl}/stats`);
  return statsSchema.parse(await response.json()).roomIds;
}

/** Runs `task` over `items`, at most `width` at a time; collects each outcome. */
async function pooled<T, R>(items: readonly T[], width: number, task: (item: T, index: number) => Promise<R>): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = new Array<PromiseSettledResult<R>>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(width, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      const item = items[i] as T;
      results[i] = await task(item, i).then(
        (value): PromiseSettledResult<R> => ({ status: "fulfilled", value }),
        (reason: unknown): PromiseSettledResult<R> => ({ status: "rejected", reason }),
      );
    }
  });
  await Promise.all(lanes);
  return results;
}

/** How many times `server` logged that it served an upgrade for a room elsewhere locally. */
const localFallbacks = (server: ServerProcess): number => server.output().split("\n").filter((line) => line.includes("room routing: host not found")).length;

const failures = <R>(results: readonly PromiseSettledResult<R>[]): string[] =>
  results.flatMap((r) => (r.status === "rejected" ? [r.reason instanceof Error ? r.reason.message : String(r.reason)] : []));

type Mode = "fly-replay" | "forward";

/**
 * Two processes compile and start at once, next to other suites on a busy machine (a start took
 * over 60 s at a load average of 20 on 2 cores): a generous bound, not a figure.
 */
const START_TIMEOUT_MS = 180_000;

interface Deployment {
  readonly db: TestDatabase;
  readonly a: ServerProcess;
  readonly b: ServerProcess;
  readonly proxy: FlyProxy;
  stop(): Promise<void>;
}

/** Two processes (no PUBLIC_URL) behind the stand-in, routing in `mode`. */
async function deploy(mode: Mode): Promise<Deployment> {
  const postgres = testBackends().find((b) => b.name === "postgres");
  if (postgres === undefined) throw new Error("no PostgreSQL backend");
  const db = await postgres.create();
  // Colyseus keeps its room listings and process registry in Redis without a key prefix: a
  // database of its own keeps other runs' processes and rooms out of this deployment.
  const redisDb = await claimRedisDatabase();
  const dataDirs = [mkdtempSync(path.join(tmpdir(), "pzo-route-a-")), mkdtempSync(path.join(tmpdir(), "pzo-route-b-"))] as const;
  const [portA, portB] = [await freePort(), await freePort()];
  const common = {
    DATABASE_URL: db.url ?? "",
    REDIS_URL: redisDb.url,
    JWT_SECRET: "route-test-secret-route-test-secret-0123456789",
    BOT_MOVE_DELAY_MS: "0",
    BOT_HUMAN_DELAY_MS: "0",
    RESTORE_GAMES: "false",
    RATE_LIMIT_AUTH: "100000/60",
    RATE_LIMIT_READ: "100000/60",
    RATE_LIMIT_WRITE: "100000/60",
    RATE_LIMIT_STREAM: "100000/60",
    // Ten tables per creator, all from one address: this suite is about routing, not the abuse limits.
    TABLES_PER_PLAYER: "0",
    ROOM_CONNECTIONS_PER_PLAYER: "0",
    ROOM_CONNECTIONS_PER_ADDRESS: "0",
  };
  const routing = (machineId: string, port: number): Record<string, string> =>
    mode === "fly-replay" ? { FLY_MACHINE_ID: machineId } : { ROOM_ROUTING: "forward", PRIVATE_ADDRESS: `127.0.0.1:${port}` };
  // Both start at once (each registers its routing entry before it accepts rooms).
  const started = await Promise.allSettled([
    startServerProcess(portA, { ...common, DATA_DIR: dataDirs[0], ...routing("m-a", portA) }, START_TIMEOUT_MS),
    startServerProcess(portB, { ...common, DATA_DIR: dataDirs[1], ...routing("m-b", portB) }, START_TIMEOUT_MS),
  ]);
  const [a, b] = started.map((s) => (s.status === "fulfilled" ? s.value : undefined));
  if (a === undefined || b === undefined) {
    // One did not start: stop the other, give the database back, report why.
    await Promise.all([a?.kill(), b?.kill()]);
    await redisDb.release();
    await db.close();
    throw started.find((s) => s.status === "rejected")?.reason;
  }
  const proxy = await startFlyProxy({
    backends: [
      { machineId: "m-a", port: portA },
      { machineId: "m-b", port: portB },
    ],
    honourReplay: mode === "fly-replay",
  });
  return {
    db,
    a,
    b,
    proxy,
    async stop() {
      await proxy.close();
      await a.stop();
      await b.stop();
      await redisDb.release();
      await db.close();
      for (const d of dataDirs) rmSync(d, { recursive: true, force: true });
    },
  };
}

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

/** A client through the proxy, signed in as a new guest. */
async function guest(proxy: FlyProxy, name: string): Promise<{ client: Client; playerId: string }> {
  const account = await guestLogin(proxy.httpUrl, name);
  const client = new Client(proxy.url);
  client.http.authToken = account.token;
  return { client, playerId: account.playerId };
}

async function seated(room: { readonly state: TableState }, playerId: string): Promise<void> {
  await waitUntil(() => room.state.seats.some((s) => s.playerId === playerId), 15_000, "seated");
}

async function exercise(mode: Mode): Promise<void> {
  const phasesMs: Record<string, number> = {};
  let phaseStart = performance.now();
  const phase = (name: string): void => {
    const now = performance.now();
    phasesMs[name] = Math.round(now - phaseStart);
    phaseStart = now;
  };
  const d = await deploy(mode);
  cleanups.push(() => d.stop());
  phase("deploy");
  const creators = await Promise.all([0, 1, 2, 3].map((i) => guest(d.proxy, `Creator${i}`)));

  // 40 creates through the one address.
  const created = await pooled(Array.from({ length: 40 }, (_, i) => i), 8, async (i) => {
    const creator = creators[i % creators.length];
    if (creator === undefined) throw new Error("no creator");
    const room = await creator.client.create<TableRoomLike>("table", { seats: 3, turnSeconds: 600 }, TableState);
    await seated(room, creator.playerId);
    return room;
  });
  const rooms = created.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  const [onA, onB] = [await roomIdsOf(d.a), await roomIdsOf(d.b)];
  phase("creates");
  const split = { onA: rooms.filter((r) => onA.includes(r.roomId)).length, onB: rooms.filter((r) => onB.includes(r.roomId)).length };

  // 20 joins by code, then 20 rejoins by id (a consented leave, then joinById).
  const coders = await Promise.all(Array.from({ length: 20 }, (_, i) => guest(d.proxy, `Coder${i}`)));
  // The codes are read first, one query after another: eight at once would open eight connections
  // to a shared PostgreSQL that other suites may have filled ("too many clients").
  const joinCodes: (string | undefined)[] = [];
  for (const table of rooms.slice(0, coders.length)) joinCodes.push((await getListing(d.db.db, table.roomId as GameId))?.joinCode);
  const byCode = await pooled(coders, 8, async (coder, i) => {
    const table = rooms[i];
    const joinCode = joinCodes[i];
    if (table === undefined || joinCode === undefined) throw new Error("no table or listing to join");
    const room = await coder.client.join<TableRoomLike>("table", { joinCode }, TableState);
    expect(room.roomId).toBe(table.roomId);
    await seated(room, coder.playerId);
    return room;
  });
  phase("joinsByCode");
  const rejoins = await pooled(byCode, 8, async (joined, i) => {
    const coder = coders[i];
    if (joined.status !== "fulfilled" || coder === undefined) throw new Error("nothing to rejoin");
    await joined.value.leave(true);
    const room = await coder.client.joinById<TableRoomLike>(joined.value.roomId, {}, TableState);
    await seated(room, coder.playerId);
    return room;
  });

  phase("rejoins");
  // Lobbies, a finished game and its replays, the SSE stream.
  const lobbies = await pooled([0, 1, 2, 3], 4, async (i) => {
    const lobby: Room = await (creators[i]?.client ?? new Client(d.proxy.url)).create("lobby");
    await lobby.leave(true);
    return lobby.roomId;
  });
  const player = creators[0];
  if (player === undefined) throw new Error("no player");
  const game = await startBotClient({
    endpoint: d.proxy.url,
    token: player.client.http.authToken ?? "",
    target: { kind: "create", options: { seats: 3, bots: 2, turnSeconds: 5 } },
    policy: smartPolicy,
  });
  const outcome = await game.done;
  phase("lobbiesAndGame");
  expect(outcome.completed).toBe(true);
  const replays = await pooled([0, 1, 2, 3], 4, async (i) => {
    const replay: Room = await (creators[i]?.client ?? new Client(d.proxy.url)).create("replay", { gameId: outcome.gameId, speed: 1000 });
    await replay.leave(true);
    return replay.roomId;
  });
  // Quick play across both processes: the candidate table holds the seat over IPC when it lives
  // on the other process; nobody is refused.
  const quick = await pooled(await Promise.all(Array.from({ length: 12 }, (_, i) => guest(d.proxy, `Quick${i}`))), 12, async (q) => {
    const room = await q.client.joinOrCreate<TableRoomLike>("table", { seats: 3 }, TableState);
    await seated(room, q.playerId);
    return room;
  });
  phase("replaysAndQuickPlay");
  const sse = await fetch(`${d.proxy.httpUrl}/api/ladder/stream`);
  const sseType = sse.headers.get("content-type");
  await sse.body?.cancel();

  const figures = {
    creates: `${rooms.length}/40`,
    joinsByCode: `${byCode.length - failures(byCode).length}/20`,
    rejoinsById: `${rejoins.length - failures(rejoins).length}/20`,
    lobbies: `${lobbies.length - failures(lobbies).length}/4`,
    replays: `${replays.length - failures(replays).length}/4`,
    quickPlaySeated: `${quick.length - failures(quick).length}/12`,
    quickPlayRefused: failures(quick).length,
    // Upgrades for a room elsewhere that were served locally after every registry lookup failed.
    localFallbacks: localFallbacks(d.a) + localFallbacks(d.b),
    tablesOnA: split.onA,
    tablesOnB: split.onB,
    proxy: d.proxy.counts,
    phasesMs,
  };
  console.log(`[routing ${mode}] ${JSON.stringify(figures)}`);
  expect(failures(created)).toEqual([]);
  expect(failures(byCode)).toEqual([]);
  expect(failures(rejoins)).toEqual([]);
  expect(failures(lobbies)).toEqual([]);
  expect(failures(replays)).toEqual([]);
  expect(failures(quick)).toEqual([]);
  expect(sse.status).toBe(200);
  expect(sseType).toMatch(/text\/event-stream/);
  // Both processes host tables, so about half the upgrades had to be routed to the other one.
  expect(split.onA).toBeGreaterThan(0);
  expect(split.onB).toBeGreaterThan(0);
  expect(split.onA + split.onB).toBe(40);
  if (mode === "fly-replay") expect(d.proxy.counts.replays).toBeGreaterThan(0);
  else expect(d.proxy.counts.replays).toBe(0);
  for (const r of rejoins) if (r.status === "fulfilled") await r.value.leave(true);
  for (const r of rooms) await r.leave(true);
  for (const r of quick) if (r.status === "fulfilled") await r.value.leave(true);
}

describe.skipIf(!ready)(ready ? "room routing behind one address (PostgreSQL + Redis)" : "room routing (SKIPPED: DATABASE_URL and REDIS_URL not set)", () => {
  it("fly-replay (default with FLY_MACHINE_ID): every create, join by code, rejoin by id, lobby and replay reaches its room", async () => {
    await exercise("fly-replay");
  }, 420_000);

  it("forward (ROOM_ROUTING=forward, the proxy ignores fly-replay): the same, piped over the private network", async () => {
    await exercise("forward");
  }, 420_000);
});
