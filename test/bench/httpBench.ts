/**
 * `npm run bench:http`: the HTTP API under load on PostgreSQL, with autocannon.
 *
 * 1. Creates a scratch PostgreSQL database through DATABASE_URL (default
 *    postgres://postgres@127.0.0.1:5432/postgres, used only as the admin connection) and seeds
 *    it: players, completed games (event logs, summaries, lifetime stats, ladder entries).
 * 2. Starts the API in its own process (test/bench/httpServer.ts: registerHttpRoutes over
 *    PostgreSQL, the ladder service, action tokens), NODE_ENV=production, rate limits raised so
 *    the bench measures the work rather than the 429 path.
 * 3. Registers the bench users and signs their action tokens.
 * 4. Runs, at 100 connections, the read mix (profile, game, rankings, rank) and the write
 *    mix (register, score submission):
 *    - at saturation (closed loop: each connection sends its next request when the answer
 *      comes): the most requests/s, and the latency that queueing at that rate gives;
 *    - at an offered rate (open loop: BENCH_READ_RATE / BENCH_WRITE_RATE requests/s spread
 *      over the 100 connections): the latency of each request at that load, which is what the
 *      SLO targets are judged on;
 *    then each endpoint alone at the offered rate. Prints p50/p99 and requests/s.
 *
 * With 100 closed-loop connections, latency is connections / throughput (Little's law): a p99
 * of 10 ms there would need well over 10,000 requests/s from one process, so the saturation
 * rows show capacity, and the offered-rate rows show whether the SLO holds at that load.
 *
 * Targets (spec SLOs): reads p99 <= 10 ms, writes p99 <= 50 ms. Options (env): BENCH_SECONDS
 * (default 10), BENCH_CONNECTIONS (default 100), BENCH_GAMES (default 300), BENCH_READ_RATE
 * (default 1000), BENCH_WRITE_RATE (default 100).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { availableParallelism, loadavg } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import autocannon, { type AutocannonRequestSpec, type AutocannonResult } from "autocannon";
import { createDatabase, migrate } from "../../db/client.js";
import { completeGame } from "../../db/completion.js";
import { GroupCommitEventLog } from "../../db/eventLog.js";
import { createGame, markStarted } from "../../db/games.js";
import { createOccupants, playGame } from "../../db/testing/fixtures.js";
import { lifetimeDeltas, summarize } from "../../src/game/index.js";
import { ActionTokens } from "../../src/ladder/actionTokens.js";
import { createScratchDatabase } from "../../db/scratchDatabase.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const SECONDS = Number(process.env["BENCH_SECONDS"] ?? 10);
const CONNECTIONS = Number(process.env["BENCH_CONNECTIONS"] ?? 100);
const GAMES = Number(process.env["BENCH_GAMES"] ?? 300);
const READ_RATE = Number(process.env["BENCH_READ_RATE"] ?? 1000);
const WRITE_RATE = Number(process.env["BENCH_WRITE_RATE"] ?? 100);
const BENCH_USERS = 100;
const admin = process.env["DATABASE_URL"] !== undefined && process.env["DATABASE_URL"] !== "" ? process.env["DATABASE_URL"] : "postgres://postgres@127.0.0.1:5432/postgres";
const JWT_SECRET = randomBytes(32).toString("hex");
const ACTION_SECRET = randomBytes(32).toString("hex");
const SERVICE_KEY = randomBytes(16).toString("hex");

const pick = <T>(xs: readonly T[]): T => {
  const x = xs[Math.floor(Math.random() * xs.length)];
  if (x === undefined) throw new Error("empty pool");
  return x;
};

async function seed(url: string): Promise<{ players: string[]; games: string[] }> {
  const handle = await createDatabase({ url });
  await migrate(handle);
  const log = new GroupCommitEventLog(handle.db);
  const occupants = await createOccupants(handle.db, "bench", Math.max(40, Math.floor(GAMES / 4)));
  const games: string[] = [];
  for (let g = 0; g < GAMES; g++) {
    const seats = [0, 1, 2, 3].map((k) => occupants[(g * 3 + k * 7) % occupants.length]).filter((o) => o !== undefined);
    const unique = [...new Map(seats.map((s) => [s.playerId, s])).values()];
    if (unique.length < 3) continue;
    const played = playGame(`bench-${g}`, unique);
    const [created, ...rest] = played.events;
    if (created?.type !== "game_created") throw new Error("no game_created");
    await createGame(handle.db, { created });
    await markStarted(handle.db, played.gameId, new Date());
    await log.append(played.gameId, rest);
    await completeGame(handle.db, { gameId: played.gameId, completedAt: new Date(), summary: summarize(played.state), deltas: lifetimeDeltas(played.state) });
    games.push(played.gameId);
  }
  await log.close();
  await handle.close();
  return { players: occupants.map((o) => o.playerId), games };
}

function startServer(url: string): Promise<{ proc: ChildProcess; base: string }> {
  const proc = spawn(process.execPath, ["--import", "tsx", path.join(root, "test/bench/httpServer.ts")], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: "production",
      HOST: "127.0.0.1",
      PORT: "0",
      LOG_LEVEL: "warn",
      DATABASE_URL: url,
      REDIS_URL: "",
      JWT_SECRET,
      ACTION_TOKEN_SECRET: ACTION_SECRET,
      SERVICE_KEY,
      RATE_LIMIT_AUTH: "100000000/60",
      RATE_LIMIT_READ: "100000000/60",
      RATE_LIMIT_WRITE: "100000000/60",
      RATE_LIMIT_SCORES: "100000000/60",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    proc.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /READY (\d+)/.exec(out);
      if (m !== null) resolve({ proc, base: `http://127.0.0.1:${m[1] ?? ""}` });
    });
    proc.once("exit", (code) => reject(new Error(`bench server exited (${String(code)}): ${out}`)));
  });
}

interface BenchUser {
  readonly userId: string;
  readonly token: string;
}

async function registerUsers(base: string): Promise<BenchUser[]> {
  const users: BenchUser[] = [];
  for (let i = 0; i < BENCH_USERS; i += 10) {
    const batch = await Promise.all(
      Array.from({ length: 10 }, async (_, k) => {
        const name = `bench_${i + k}_${randomBytes(3).toString("hex")}`;
        const r = await fetch(`${base}/api/users`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ username: name, email: `${name}@bench.example`, password: "bench password 123" }),
        });
        const j: unknown = await r.json();
        const data: unknown = typeof j === "object" && j !== null ? Reflect.get(j, "data") : undefined;
        const token: unknown = typeof data === "object" && data !== null ? Reflect.get(data, "accessToken") : undefined;
        const user: unknown = typeof data === "object" && data !== null ? Reflect.get(data, "user") : undefined;
        const userId: unknown = typeof user === "object" && user !== null ? Reflect.get(user, "id") : undefined;
        if (typeof token !== "string" || typeof userId !== "string") throw new Error(`register failed: ${r.status} ${JSON.stringify(j)}`);
        return { userId, token };
      }),
    );
    users.push(...batch);
  }
  return users;
}

interface Row {
  readonly name: string;
  readonly kind: "read" | "write";
  /** Offered requests/s, or null at saturation (judged for capacity, not the SLO). */
  readonly rate: number | null;
  readonly result: AutocannonResult;
}

async function run(name: string, kind: "read" | "write", rate: number | null, base: string, requests: AutocannonRequestSpec[], seconds = SECONDS): Promise<Row> {
  const result = await autocannon({ url: base, connections: CONNECTIONS, duration: seconds, requests, timeout: 10, ...(rate === null ? {} : { overallRate: rate }) });
  return { name, kind, rate, result };
}

function report(rows: readonly Row[]): boolean {
  const target = { read: 10, write: 50 } as const;
  const lines = [
    `HTTP bench: ${CONNECTIONS} connections, PostgreSQL, ${SECONDS}s per mix (single endpoints: ${Math.max(3, Math.round(SECONDS / 2))}s); offered rates: reads ${READ_RATE}/s, writes ${WRITE_RATE}/s`,
    "",
    "| run | offered req/s | req/s | p50 ms | p99 ms | non-2xx | errors | target p99 | met |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
  ];
  let allMet = true;
  for (const r of rows) {
    // No completed request, or any error or non-2xx answer, is a miss whatever the latency.
    const clean = r.result.requests.total > 0 && r.result.errors + r.result.timeouts + r.result.non2xx === 0;
    const met = clean && r.result.latency.p99 <= target[r.kind];
    if (r.rate !== null && r.name.includes("mix")) allMet &&= met;
    lines.push(
      `| ${r.name} | ${r.rate === null ? "saturation" : r.rate} | ${r.result.requests.average.toFixed(0)} | ${r.result.latency.p50} | ${r.result.latency.p99} | ${r.result.non2xx} | ${r.result.errors + r.result.timeouts} | ${target[r.kind]} | ${r.rate === null ? "-" : met ? "yes" : "NO"} |`,
    );
  }
  console.log(lines.join("\n"));
  return allMet;
}

async function main(): Promise<void> {
  const scratch = await createScratchDatabase(admin, "pzo_bench_http");
  let server: ChildProcess | undefined;
  try {
    console.log(`seeding ${GAMES} completed games into ${scratch.name} ...`);
    const { players, games } = await seed(scratch.url);
    const started = await startServer(scratch.url);
    server = started.proc;
    const base = started.base;
    console.log(`server ready at ${base}; registering ${BENCH_USERS} bench users ...`);
    const users = await registerUsers(base);
    const signer = new ActionTokens(ACTION_SECRET);
    const expiresAt = Date.now() + 30 * 60_000;
    let userTurn = 0;
    const nextScore = (): { auth: string; body: string } => {
      const u = users[userTurn++ % users.length];
      if (u === undefined) throw new Error("no users");
      const token = signer.issue({ actionId: randomUUID(), userId: u.userId, maxScore: 100, expiresAt });
      return { auth: `Bearer ${u.token}`, body: JSON.stringify({ token, delta: 1 + (userTurn % 50) }) };
    };
    let registered = 0;
    const nextRegister = (): string => {
      const name = `w_${process.pid}_${registered++}`;
      return JSON.stringify({ username: name, email: `${name}@bench.example`, password: "bench password 123" });
    };
    const json = { "content-type": "application/json" };

    const profile: AutocannonRequestSpec = { method: "GET", setupRequest: (r) => ({ ...r, path: `/api/players/${pick(players)}` }) };
    const game: AutocannonRequestSpec = { method: "GET", setupRequest: (r) => ({ ...r, path: `/api/games/${pick(games)}` }) };
    const rankings: AutocannonRequestSpec = { method: "GET", path: "/api/rankings?limit=20" };
    const rankOf: AutocannonRequestSpec = { method: "GET", setupRequest: (r) => ({ ...r, path: `/api/rankings/${pick(players)}` }) };
    const register: AutocannonRequestSpec = { method: "POST", path: "/api/users", headers: json, setupRequest: (r) => ({ ...r, body: nextRegister() }) };
    const score: AutocannonRequestSpec = {
      method: "POST",
      path: "/api/ladder/scores",
      setupRequest: (r) => {
        const s = nextScore();
        return { ...r, headers: { ...json, authorization: s.auth }, body: s.body };
      },
    };

    const loadBefore = loadavg()[0] ?? 0;
    console.log("warming up ...");
    await autocannon({ url: base, connections: 20, duration: 2, requests: [profile, game, rankings] });
    const single = Math.max(3, Math.round(SECONDS / 2));
    const rows: Row[] = [];
    const readMix = [profile, game, rankings, rankOf];
    const writeMix = [register, score];
    rows.push(await run("read mix (profile, game, rankings, rank)", "read", null, base, readMix));
    rows.push(await run("write mix (register, score submission)", "write", null, base, writeMix));
    rows.push(await run("read mix (profile, game, rankings, rank)", "read", READ_RATE, base, readMix));
    rows.push(await run("write mix (register, score submission)", "write", WRITE_RATE, base, writeMix));
    rows.push(await run("GET /api/players/:id", "read", READ_RATE, base, [profile], single));
    rows.push(await run("GET /api/games/:id", "read", READ_RATE, base, [game], single));
    rows.push(await run("GET /api/rankings?limit=20", "read", READ_RATE, base, [rankings], single));
    rows.push(await run("GET /api/rankings/:playerId", "read", READ_RATE, base, [rankOf], single));
    rows.push(await run("POST /api/ladder/scores", "write", WRITE_RATE, base, [score], single));
    rows.push(await run("POST /api/users (scrypt N=16384)", "write", WRITE_RATE, base, [register], single));
    console.log("");
    console.log(`machine: ${availableParallelism()} cores; 1-min load average ${loadBefore.toFixed(1)} before the runs, ${(loadavg()[0] ?? 0).toFixed(1)} after (other processes compete for the same cores)`);
    const met = report(rows);
    console.log(met ? "\nboth mixes met their p99 targets at the offered rates" : "\nat least one mix missed its p99 target at the offered rate (see the table)");
  } finally {
    if (server !== undefined && server.exitCode === null) {
      const exited = new Promise((r) => server?.once("exit", r));
      server.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (server.exitCode === null) server.kill("SIGKILL");
    }
    await scratch.drop();
  }
}

await main();
