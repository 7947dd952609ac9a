/**
 * Issue 19, item 1 (and 8): Redis stopped mid-game and started again empty, against a PostgreSQL +
 * Redis server process. The Redis is this test's own (a redis-server on a random port); the
 * database is a scratch database on DATABASE_URL. Measured over the public protocol: 4 tables of
 * bot clients playing and REST reads running; Redis is killed for 15 s, then started empty.
 *
 * Expected: no move refused or answered with a "nothing changed" code; REST reads that need no
 * Redis keep their speed (p99 within 2x of before); the ladder deltas of games finished during
 * the outage reach a lobby and an SSE stream resumed with Last-Event-ID after it; the emptied
 * ladder cache is rebuilt within 10 s of Redis's return (the periodic drift check is set to an
 * hour, so it is not what repairs it); /readyz says "degraded" during and /healthz stays up. Then
 * SIGTERM: the process drains within 15 s with no error line, clients get close code 4001.
 */
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client } from "@colyseus/sdk";
import { Redis } from "ioredis";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { guestLogin } from "../../src/bots/client.js";
import { testBackends, type TestDatabase } from "../support/db.js";
import { freePort, startServerProcess, type ServerProcess } from "../rooms/serverProcess.js";
import { figures, percentile, playTables, privateRedis, startReader, until, type PrivateRedis } from "./outageHarness.js";

const databaseUrl = process.env["DATABASE_URL"];
const ready = databaseUrl !== undefined && databaseUrl !== "";
if (!ready) console.warn("\n*** REDIS OUTAGE TEST SKIPPED: set DATABASE_URL (it starts its own redis-server; the database is a scratch one) ***\n");

const OUTAGE_MS = 15_000;
const PREFIX = "outage:";

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
}, 60_000);

const countRows = z.array(z.object({ n: z.coerce.number() }));
const logRows = z.array(z.object({ game_id: z.string(), n: z.coerce.number(), top: z.coerce.number() }));
const playerRows = z.array(z.object({ player_id: z.string() }));
const sseEvent = z.object({ type: z.string(), playerId: z.string(), tier: z.string(), total: z.number() });

/** An SSE reader of /api/ladder/stream: every delta with its id, until aborted. */
function readStream(httpUrl: string, lastEventId: string | null): { readonly events: { id: string; playerId: string; tier: string }[]; readonly opened: Promise<void>; abort(): void } {
  const events: { id: string; playerId: string; tier: string }[] = [];
  const controller = new AbortController();
  let markOpen: () => void = () => undefined;
  const opened = new Promise<void>((r) => (markOpen = r));
  void (async () => {
    const response = await fetch(`${httpUrl}/api/ladder/stream`, { headers: lastEventId === null ? {} : { "last-event-id": lastEventId }, signal: controller.signal });
    markOpen();
    const body: ReadableStream<Uint8Array> | null = response.body;
    if (body === null) return;
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let cut = buffer.indexOf("\n\n");
      while (cut >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const id = /^id: (.+)$/m.exec(block)?.[1];
        const data = /^data: (.+)$/m.exec(block)?.[1];
        if (id !== undefined && data !== undefined) {
          const parsed = sseEvent.safeParse(JSON.parse(data));
          if (parsed.success) events.push({ id, playerId: parsed.data.playerId, tier: parsed.data.tier });
        }
        cut = buffer.indexOf("\n\n");
      }
    }
  })().catch(() => undefined);
  return { events, opened, abort: () => controller.abort() };
}

describe.skipIf(!ready)(ready ? "Redis outage mid-game (private redis-server)" : "Redis outage (SKIPPED: DATABASE_URL not set)", () => {
  it("Redis killed for 15 s and started empty: moves all accepted, REST unharmed, deltas delivered after, cache rebuilt within 10 s; SIGTERM then drains cleanly", async () => {
    const postgres = testBackends().find((b) => b.name === "postgres");
    if (postgres === undefined) throw new Error("no PostgreSQL backend");
    const db: TestDatabase = await postgres.create();
    cleanups.push(() => db.close());
    const redis: PrivateRedis = await privateRedis();
    await redis.start();
    cleanups.push(() => redis.stop());
    const port = await freePort();
    const server: ServerProcess = await startServerProcess(port, {
      DATABASE_URL: db.url ?? "",
      REDIS_URL: redis.url,
      REDIS_PREFIX: PREFIX,
      JWT_SECRET: "redis-outage-secret-redis-outage-secret-0123456789",
      BOT_MOVE_DELAY_MS: "0",
      BOT_HUMAN_DELAY_MS: "0",
      RESTORE_GAMES: "false",
      TABLES_PER_PLAYER: "0",
      ROOM_CONNECTIONS_PER_PLAYER: "0",
      RATE_LIMIT_READ: "100000/60",
      RATE_LIMIT_AUTH: "100000/60",
      RATE_LIMIT_SYSTEM: "100000/60",
      RATE_LIMIT_STREAM: "100000/60",
      // An hour: the repair after Redis returns must not be the periodic drift check's.
      LADDER_DRIFT_INTERVAL_MS: "3600000",
    });
    let stopped = false;
    cleanups.push(() => (stopped ? Promise.resolve() : server.kill()));
    const watcher = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => 200 });
    watcher.on("error", () => undefined);
    cleanups.push(() => Promise.resolve(watcher.disconnect()));

    // A lobby (deltas over presence) and an SSE stream (deltas from the process's history).
    const viewer = await guestLogin(server.httpUrl, "Viewer", { unranked: true });
    const lobbyClient = new Client(server.url);
    lobbyClient.http.authToken = viewer.token;
    const lobby = await lobbyClient.joinOrCreate("lobby");
    const lobbyDeltas: { at: number; playerId: string; tier: string }[] = [];
    lobby.onMessage("*", (type: string | number, message: unknown) => {
      if (type !== "ladder_delta") return;
      const d = sseEvent.safeParse(message);
      if (d.success) lobbyDeltas.push({ at: Date.now(), playerId: d.data.playerId, tier: d.data.tier });
    });
    let stream = readStream(server.httpUrl, null);
    await stream.opened;

    const play = await playTables({ httpUrl: server.httpUrl, wsUrl: server.url, tables: 4, seats: 4, moveDelayMs: 15, name: "R" });
    // REST reads: a game's summary and a player's stats (no Redis involved), and the ladder.
    const someone = play.playerIds[0] ?? "";
    const reader = startReader(server.httpUrl, () => [`/api/players/${someone}`, `/api/games?limit=20`, `/api/rankings?tier=all_time&limit=20`], 2);

    // Before: until two games completed (the ladder has entries in the cache).
    await until("two games completed", () => play.completedAt.size >= 2, 120_000, 100);
    const tBefore = Date.now();
    await new Promise((r) => setTimeout(r, 4_000));

    // The outage: no new games start, the ones in progress play on (and finish meanwhile).
    const tKill = Date.now();
    const finishing = play.finish();
    await redis.stop();
    let readyz: { status: number; body: string } = { status: 0, body: "" };
    let healthz = 0;
    await new Promise((r) => setTimeout(r, 3_000));
    {
      const r = await fetch(`${server.httpUrl}/readyz`);
      readyz = { status: r.status, body: await r.text() };
      healthz = (await fetch(`${server.httpUrl}/healthz`)).status;
    }
    stream.abort();
    const lastIdBefore = stream.events.at(-1)?.id ?? null;
    // At least OUTAGE_MS, and until a game completed during it (its deltas are the outage's), at most 30 s.
    await new Promise((r) => setTimeout(r, OUTAGE_MS - 3_000));
    const finishedSince = (t: number): number => [...play.completedAt.values()].filter((at) => at > t).length;
    await until("a game completed during the outage", () => finishedSince(tKill) > 0, 30_000 - OUTAGE_MS, 100).catch(() => undefined);
    const gamesDuringOutage = finishedSince(tKill);

    // Redis back, empty.
    await redis.start();
    const tBack = Date.now();
    await watcher.connect();
    const allTimeCount = async (): Promise<number> => countRows.parse(await db.db.execute(sql`SELECT count(*)::int AS n FROM ladder_entries WHERE tier = 'all_time'`))[0]?.n ?? 0;
    const expected = await allTimeCount();
    let repairMs = Number.NaN;
    await until(
      "the all-time tier is back in Redis",
      async () => {
        const now = await allTimeCount();
        const cached = await watcher.zcard(`${PREFIX}ladder:{all_time}:z`).catch(() => -1);
        if (cached === now && now > 0) repairMs = Date.now() - tBack;
        return cached === now && now > 0;
      },
      30_000,
      100,
    );
    await finishing;
    const tEnd = Date.now();
    // Resume the SSE stream from the last delta seen before the outage.
    stream = readStream(server.httpUrl, lastIdBefore);
    await stream.opened;
    await new Promise((r) => setTimeout(r, 4_000));
    await reader.stop();

    // Deltas: every player of a game completed during or after the outage has a delta, in the
    // lobby and on the resumed stream, that arrived after Redis returned.
    const lobbyAfter = new Set(lobbyDeltas.filter((d) => d.at >= tKill && d.tier === "all_time").map((d) => d.playerId));
    const streamAfter = new Set(stream.events.filter((e) => e.tier === "all_time").map((e) => e.playerId));

    const refused = play.outcomes.reduce((n, o) => n + o.rejections, 0);
    const before = reader.samples.filter((s) => s.at >= tBefore && s.at < tKill);
    const during = reader.samples.filter((s) => s.at >= tKill && s.at < tBack);
    const after = reader.samples.filter((s) => s.at >= tBack);
    const movesBefore = play.moves.filter((m) => m.at >= tBefore && m.at < tKill).map((m) => m.ms);
    const movesDuring = play.moves.filter((m) => m.at >= tKill && m.at < tBack).map((m) => m.ms);
    const movesAfter = play.moves.filter((m) => m.at >= tBack).map((m) => m.ms);
    const notOk = reader.samples.filter((s) => s.status !== 200);
    // Reads that need no Redis (a player, the games list) against the ladder read (PostgreSQL while Redis is down).
    const plain = (xs: typeof before) => xs.filter((s) => !s.path.startsWith("/api/rankings")).map((s) => s.ms);
    const ladderReads = (xs: typeof before) => xs.filter((s) => s.path.startsWith("/api/rankings")).map((s) => s.ms);

    // The ladder players of games completed during the outage (their all-time deltas).
    const changedDuring = playerRows
      .parse(await db.db.execute(sql`SELECT player_id FROM ladder_entries WHERE tier = 'all_time' AND updated_at >= ${new Date(tKill).toISOString()}::timestamptz`))
      .map((r) => r.player_id);

    // Clean shutdown with Redis: SIGTERM with a lobby client connected and two tables playing.
    let lobbyClose = 0;
    lobby.onLeave((code: number) => (lobbyClose = code));
    const last = await playTables({ httpUrl: server.httpUrl, wsUrl: server.url, tables: 2, seats: 4, moveDelayMs: 25, name: "S", once: true });
    await until("the last tables are playing", () => last.moves.length > 20, 30_000, 50);
    const t0 = Date.now();
    const exitCode = await server.stop();
    stopped = true;
    const drainMs = Date.now() - t0;
    await until("the lobby client saw the close", () => lobbyClose !== 0, 5_000).catch(() => undefined);
    await Promise.race([last.finish(), new Promise((r) => setTimeout(r, 20_000))]);
    const tableCloses = last.outcomes.map((o) => o.closeCode);
    // Checkpointed: each of those games' log is whole (no gap) and holds every move a client saw.
    const logs = logRows.parse(await db.db.execute(sql`SELECT game_id::text AS game_id, count(*)::int AS n, max(event_index)::int AS top FROM game_events GROUP BY game_id`));
    const gapped = logs.filter((g) => g.top !== g.n - 1);
    const lastGames = new Set(last.outcomes.map((o) => o.gameId));
    const lastLogged = logs.filter((g) => lastGames.has(g.game_id)).length;
    writeFileSync(path.join(tmpdir(), "pzo-redis-outage-server.log"), server.output());
    const errorLines = server
      .output()
      .split("\n")
      .filter((l) => /"level":(50|60)/.test(l) || /^\[ioredis\] Unhandled error event|^[A-Za-z]*Error: /.test(l));

    console.log(
      [
        `redis outage: ${OUTAGE_MS / 1000} s, ${play.completedAt.size} games completed (${gamesDuringOutage} during the outage), ${play.moves.length} moves`,
        `  moves refused: ${refused}; client errors: ${play.errors.length}`,
        `  move round trip before: ${figures(movesBefore)}`,
        `  move round trip during: ${figures(movesDuring)} (stall: the longest)`,
        `  move round trip after:  ${figures(movesAfter)}`,
        `  REST (no Redis: a player, the games list) before: ${figures(plain(before))}`,
        `  REST (no Redis) during: ${figures(plain(during))}; p99 ${(percentile(plain(during), 99) / percentile(plain(before), 99)).toFixed(2)}x before's`,
        `  REST (no Redis) after:  ${figures(plain(after))}`,
        `  ladder reads (/api/rankings) before: ${figures(ladderReads(before))}; during (from PostgreSQL): ${figures(ladderReads(during))}; after: ${figures(ladderReads(after))}; not 200: ${notOk.length}`,
        `  client errors: ${JSON.stringify(play.errors.slice(0, 4).map((e) => (typeof e === "object" && e !== null && "at" in e && typeof e.at === "number" ? { ...e, at: e.at - tKill } : e)))}`,
        `  /readyz during: ${readyz.status} ${readyz.body.slice(0, 160)}; /healthz ${healthz}`,
        `  ladder cache rebuilt ${repairMs.toFixed(0)} ms after Redis returned (${expected} all-time entries)`,
        `  deltas after the outage: lobby ${lobbyAfter.size} players, resumed SSE ${streamAfter.size} players; ladder entries changed since the kill ${changedDuring.length}`,
        `  SIGTERM with 2 tables playing: exit ${exitCode} in ${drainMs} ms, lobby close code ${lobbyClose}, table close codes ${tableCloses.join(",")}, their games in the log ${lastLogged}/${lastGames.size}, games with a gap ${gapped.length}, error lines ${errorLines.length}`,
        `  load average: ${(await import("node:os")).loadavg().map((l) => l.toFixed(2)).join(" ")}; finished at +${((tEnd - tKill) / 1000).toFixed(1)} s`,
      ].join("\n"),
    );

    expect(play.errors).toEqual([]);
    expect(refused).toBe(0);
    expect(gamesDuringOutage).toBeGreaterThan(0);
    expect(movesDuring.length).toBeGreaterThan(0);
    expect(before.length).toBeGreaterThan(10);
    expect(during.length).toBeGreaterThan(10);
    expect(notOk).toEqual([]);
    // REST that needs no Redis does not wait on it: no read waits out a Redis command timeout (1 s;
    // before the fix they took 1.9 s at p50). The p99 against before's is printed above, not
    // asserted: on a shared machine a timing ratio moves with whatever else runs.
    expect(Math.max(...plain(during))).toBeLessThan(1_000);
    // A ladder read falls back to PostgreSQL at once: no read waits out a Redis timeout.
    expect(Math.max(...ladderReads(during))).toBeLessThan(1_000);
    expect(readyz.status).toBe(200);
    expect(readyz.body).toContain('"degraded"');
    expect(healthz).toBe(200);
    expect(repairMs).toBeLessThanOrEqual(10_000);
    expect(changedDuring.length).toBeGreaterThan(0);
    for (const p of changedDuring) {
      expect(lobbyAfter.has(p), `lobby delta for ${p}`).toBe(true);
      expect(streamAfter.has(p), `resumed SSE delta for ${p}`).toBe(true);
    }
    expect(exitCode).toBe(0);
    expect(drainMs).toBeLessThan(15_000);
    expect(lobbyClose).toBe(4001);
    expect(tableCloses.every((c) => c === 4001)).toBe(true);
    expect(lastLogged).toBe(lastGames.size);
    expect(gapped).toEqual([]);
    expect(errorLines).toEqual([]);
  }, 300_000);
});
