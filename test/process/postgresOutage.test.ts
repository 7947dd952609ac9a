/**
 * Issue 19, item 2: PostgreSQL stopped for 10 s mid-game. The cluster is this test's own (initdb
 * into a temp folder as the `postgres` user, pg_ctl on a random port); the server process uses it
 * alone (no Redis). Human tables (4 bot clients, which the server sees as people) and bot tables
 * (1 client and 3 server bots) play one game each; PostgreSQL is stopped 10 s mid-game and
 * started again.
 *
 * Expected: every table completes, and every game's log has no gap; moves sent during the outage
 * are answered after it (their `result` once durable), and meanwhile get the documented
 * `server/move_pending` notice, never silence; nothing is refused; REST answers 503
 * `service/unavailable` with Retry-After while the database is down (never 500, never a hang).
 * Runs as root only (initdb as `postgres` through runuser), else it says loudly it was skipped.
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { tmpdir, loadavg } from "node:os";
import path from "node:path";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { freePort, startServerProcess, type ServerProcess } from "../rooms/serverProcess.js";
import { figures, playTables, privatePostgres, startReader, until, type PrivatePostgres } from "./outageHarness.js";

const root = process.getuid?.() === 0 && spawnSync("id", ["-u", "postgres"]).status === 0 && spawnSync("which", ["initdb"]).status === 0;
if (!root) console.warn("\n*** POSTGRESQL OUTAGE TEST SKIPPED: needs root, a `postgres` user and initdb/pg_ctl to run a private cluster ***\n");

const OUTAGE_MS = 10_000;

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
}, 60_000);

describe.skipIf(!root)(root ? "PostgreSQL outage mid-game (private cluster)" : "PostgreSQL outage (SKIPPED: no root / initdb)", () => {
  it("PostgreSQL stopped 10 s: every table completes with no gap, waiting moves get move_pending, REST answers 503 with Retry-After", async () => {
    const pg: PrivatePostgres = await privatePostgres();
    cleanups.push(() => pg.destroy());
    await pg.start();
    const port = await freePort();
    const server: ServerProcess = await startServerProcess(port, {
      DATABASE_URL: pg.url,
      JWT_SECRET: "pg-outage-secret-pg-outage-secret-0123456789",
      BOT_MOVE_DELAY_MS: "40",
      BOT_HUMAN_DELAY_MS: "40",
      RESTORE_GAMES: "false",
      TABLES_PER_PLAYER: "0",
      ROOM_CONNECTIONS_PER_PLAYER: "0",
      BOTS_PER_PLAYER: "0",
      RATE_LIMIT_READ: "100000/60",
      RATE_LIMIT_AUTH: "100000/60",
    });
    cleanups.push(() => server.kill());

    const humans = await playTables({ httpUrl: server.httpUrl, wsUrl: server.url, tables: 3, seats: 4, moveDelayMs: 40, name: "H", once: true });
    const bots = await playTables({ httpUrl: server.httpUrl, wsUrl: server.url, tables: 3, seats: 4, serverBots: 3, moveDelayMs: 40, name: "B", once: true });
    const someone = humans.playerIds[0] ?? "";
    const reader = startReader(server.httpUrl, () => [`/api/players/${someone}`, `/api/games?limit=20`], 2);

    await new Promise((r) => setTimeout(r, 5_000));
    const tStop = Date.now();
    await pg.stop();
    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    await pg.start();
    const tStart = Date.now();
    await until("a move is acknowledged again", () => [...humans.moves, ...bots.moves].some((m) => m.at > tStart), 30_000, 20);
    const recoveryMs = Math.min(...[...humans.moves, ...bots.moves].filter((m) => m.at > tStart).map((m) => m.at)) - tStart;
    await Promise.race([Promise.all([humans.finish(), bots.finish()]), new Promise((r) => setTimeout(r, 120_000))]);
    await reader.stop();

    // Gaps: every game's indexes are 0..n-1.
    const sql = postgres(pg.url, { max: 1, onnotice: () => undefined });
    const games = await sql<{ game_id: string; n: number; top: number }[]>`SELECT game_id::text, count(*)::int AS n, max(event_index)::int AS top FROM game_events GROUP BY game_id`;
    await sql.end();
    const gaps = games.filter((g) => g.top !== g.n - 1);

    const all = { outcomes: [...humans.outcomes, ...bots.outcomes], errors: [...humans.errors, ...bots.errors], notices: [...humans.notices, ...bots.notices], refusals: [...humans.refusals, ...bots.refusals] };
    const during = reader.samples.filter((s) => s.at > tStop + 500 && s.at < tStart);
    const wrong = during.filter((s) => !(s.status === 503 && s.code === "service/unavailable" && s.retryAfter !== null));
    const pendingNotices = all.notices.filter((n) => n.code === "server/move_pending");
    const movesAll = [...humans.moves, ...bots.moves];
    const tablesDone = (p: typeof humans) => p.completedAt.size;
    writeFileSync(path.join(tmpdir(), "pzo-postgres-outage-server.log"), server.output());
    const errorLines = server
      .output()
      .split("\n")
      .filter((l) => /"level":(50|60)/.test(l));

    console.log(
      [
        `postgres outage: ${OUTAGE_MS / 1000} s; human tables completed ${tablesDone(humans)}/3, bot tables ${tablesDone(bots)}/3; games in the log ${games.length}, with a gap ${gaps.length}`,
        `  moves refused: ${all.refusals.length} (${[...new Set(all.refusals.map((r) => r.code))].join(", ")}); server/move_pending notices: ${pendingNotices.length} (first ${pendingNotices.length === 0 ? "-" : ((Math.min(...pendingNotices.map((n) => n.at)) - tStop) / 1000).toFixed(1)} s after the stop)`,
        `  move round trip overall: ${figures(movesAll.map((m) => m.ms))}`,
        `  first move acknowledged ${recoveryMs} ms after PostgreSQL was back`,
        `  REST during the outage: ${figures(during.map((s) => s.ms))}; statuses ${JSON.stringify(Object.fromEntries([...new Set(during.map((s) => s.status))].map((st) => [st, during.filter((s) => s.status === st).length])))}; Retry-After ${during[0]?.retryAfter ?? "-"}`,
        `  server error lines: ${errorLines.length}; warn lines: ${server.output().split("\n").filter((l) => l.includes('"level":40')).length}`,
        `  load average: ${loadavg().map((l) => l.toFixed(2)).join(" ")}`,
      ].join("\n"),
    );

    expect(all.errors).toEqual([]);
    expect(tablesDone(humans)).toBe(3);
    expect(tablesDone(bots)).toBe(3);
    expect(all.outcomes.every((o) => o.completed)).toBe(true);
    expect(gaps).toEqual([]);
    expect(all.refusals).toEqual([]);
    expect(pendingNotices.length).toBeGreaterThan(0);
    expect(during.length).toBeGreaterThan(5);
    expect(wrong).toEqual([]);
    expect(Math.max(...during.map((s) => s.ms))).toBeLessThan(5_000);
    expect(errorLines).toEqual([]);
  }, 300_000);
});
