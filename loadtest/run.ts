/**
 * Load harness: `npm run loadtest -- --clients N [--tables M] [--workers K] [--think-ms 200-500]
 * [--lobby-clients 3] [--max-seconds S] [--url ws://host:port] [--routing fly-replay|forward
 * [--join-probes 40]] [--readers R [--read-path /api/games?limit=100]]`
 *
 * With `--readers R` it also runs R REST reader loops (loadtest/readers.ts) in the coordinator
 * during the play window (from the start of the ramp until every worker has reported), each
 * sending `GET --read-path` back to back, and prints their rate and latency next to the move
 * round trip: what heavy REST reads cost the tables.
 *
 * With `--routing` it starts two server processes (DATABASE_URL and REDIS_URL required, no
 * PUBLIC_URL) behind the local stand-in for Fly's proxy (test/support/flyProxy.ts: round robin
 * per connection; honouring `fly-replay` in mode fly-replay, ignoring it in mode forward) and runs
 * everything through the stand-in. Before the load it times `--join-probes` spectator joins by
 * id (matchmake + WebSocket + handshake) straight to each table's host and through the stand-in,
 * and prints both (p50/p99): the difference is what the routing adds to a join.
 *
 * Runs N bot clients (the house policy, Colyseus SDK over real WebSockets, guest sessions from
 * the REST API; on the harness's own server guests are ordinary players, so finished games move
 * the ladder; against `--url` they log in unranked, docs/LADDER.md L8) at M tables of
 * N/M seats each, spread over K worker processes (loadtest/worker.ts; default one per core) so
 * that one client process's event loop does not dominate the figures. Each bot waits a random
 * think time before each move. Without `--url` it starts a server process itself
 * (src/app/main.ts with the pinned Node and the production Node flags, src/platform/nodeFlags.ts; PGlite in a temporary directory, or DATABASE_URL /
 * REDIS_URL from the environment; with REDIS_URL its servers use a Redis logical database the run
 * claims for itself and flushes at the end, test/support/redis.ts claimRedisDatabase) with the guest-login rate limit raised and the per-address room connection cap and
 * matchmaking budget off (ROOM_CONNECTIONS_PER_ADDRESS=0, MATCHMAKE_RATE_LIMIT=0) for the run: every client comes from one address. A server
 * given with `--url` needs the same (docs/OPERATIONS.md, Running bots and load).
 *
 * Prints: load average at start and end, connected clients, moves/s and the pacing used, move
 * round trip (send -> the client's own state shows the move) p50/p99 over the merged raw samples
 * of all workers, each worker's and the coordinator's own event-loop delay (if these are high,
 * the round trip measures the harness, not the server), the server's /stats HTTP latency, CPU
 * (share of one core; CPU-seconds and CPU-seconds per 1000 moves) and RSS, its CPU per move over the play window (first move to last) and its peak RSS (VmHWM,
 * for servers the harness started), the lobby delay (receive time - `at` of every `ladder_delta` at a few lobby clients,
 * same clock), and then checks every game's log through `GET /api/games/:id/events`: gapless,
 * completed, and holding every event a client was shown.
 */
import { fork, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { monitorEventLoopDelay } from "node:perf_hooks";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { z } from "zod";
import { Client, type Room } from "@colyseus/sdk";
import { httpBaseOf } from "../src/bots/client.js";
import { serverNodeFlags } from "../src/platform/nodeFlags.js";
import { ROOM_NAMES } from "../src/shared/protocol.js";
import { startFlyProxy, type FlyProxy } from "../test/support/flyProxy.js";
import { claimRedisDatabase } from "../test/support/redis.js";
import { startReaders, type ReaderFigures, type Readers } from "./readers.js";
import { childProcessesOf, cpuBetween, formatLoopDelay, formatSched, LOOP_RESOLUTION_MS, loopDelayOf, loopDelaySchema, peakRssBytes, percentile, schedstat, workerMessageSchema, type CpuSample, type LoopDelay, type WorkerJob, type WorkerReport } from "./shared.js";
import { freePort, LOAD_SERVER_ENV } from "./serverEnv.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

const argsSchema = z.object({
  clients: z.coerce.number().int().min(3).max(20_000).default(100),
  tables: z.coerce.number().int().min(1).optional(),
  url: z.string().url().optional(),
  "turn-seconds": z.coerce.number().min(1).max(600).default(30),
  "max-seconds": z.coerce.number().min(5).max(3600).default(600),
  workers: z.coerce.number().int().min(1).max(64).optional(),
  /** Think time before each move, `MIN-MAX` ms (uniform) or one number. */
  "think-ms": z
    .string()
    .regex(/^\d+(-\d+)?$/, "expected MIN-MAX ms, e.g. 200-500")
    .default("200-500")
    .transform((v): [number, number] => {
      const [a, b] = v.split("-").map(Number);
      const min = a ?? 0;
      return [min, Math.max(min, b ?? min)];
    }),
  "lobby-clients": z.coerce.number().int().min(0).max(100).default(3),
  /** Spread the tables' starts evenly over this many seconds (0: all at once, 10 at a time per worker). */
  "ramp-seconds": z.coerce.number().min(0).max(600).default(10),
  /** Write a V8 CPU profile of the server process (the one the harness starts) into this directory. */
  "server-cpu-prof": z.string().min(1).optional(),
  /** Two server processes behind the Fly proxy stand-in, routing rooms this way. */
  routing: z.enum(["fly-replay", "forward"]).optional(),
  /** Spectator joins timed direct and through the stand-in (with --routing). */
  "join-probes": z.coerce.number().int().min(1).max(1000).default(40),
  /** REST reader loops run during the play window (0: none). */
  readers: z.coerce.number().int().min(0).max(1000).default(0),
  /** What the reader loops GET (a path on the server, query included). */
  "read-path": z.string().startsWith("/").default("/api/games?limit=100"),
});

const statsSchema = z.object({ cpuUserMicros: z.number(), cpuSystemMicros: z.number(), rssBytes: z.number(), clients: z.number(), rooms: z.number() });
type Stats = z.infer<typeof statsSchema>;

/** The server's event-loop delay since the run started, from loadtest/serverProbe.ts's latest line. */
let serverLoop: LoopDelay | null = null;

interface SpawnedServer {
  readonly url: string;
  readonly child: ChildProcess;
  readonly dataDir: string;
  readonly port: number;
}

async function startServer(cpuProfDir: string | undefined, extraEnv: (port: number) => Readonly<Record<string, string>> = () => ({}), probe = true): Promise<SpawnedServer> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), "pzo-load-"));
  const child = spawn(path.join(root, "node_modules", ".bin", "node"), [...serverNodeFlags(process.env["DATABASE_URL"]), ...(cpuProfDir === undefined ? [] : ["--cpu-prof", "--cpu-prof-dir", cpuProfDir]), "--import", "tsx", "--import", pathToFileURL(path.join(root, "loadtest", "serverProbe.ts")).href, path.join(root, "src", "app", "main.ts")], {
    cwd: root,
    env: {
      ...process.env,
      ...LOAD_SERVER_ENV,
      JWT_SECRET: process.env["JWT_SECRET"] ?? "loadtest-secret-loadtest-secret-0123456789",
      PORT: String(port),
      DATA_DIR: dataDir,
      BOT_HUMAN_DELAY_MS: "0",
      ...extraEnv(port),
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  // Never leave a server behind when the harness ends early (an error, Ctrl-C).
  process.once("exit", () => {
    if (child.exitCode === null) child.kill("SIGKILL");
  });
  let err = "";
  let partial = "";
  child.stderr?.on("data", (d: Buffer) => {
    const lines = (partial + d.toString()).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) {
      if (!line.startsWith("loadtest-probe ") || !probe) {
        if (err.length < 100_000) err += `${line}\n`;
        continue;
      }
      try {
        const parsed = loopDelaySchema.safeParse(JSON.parse(line.slice("loadtest-probe ".length)));
        if (parsed.success) serverLoop = parsed.data;
      } catch {
        // a torn line: the next one comes within a second
      }
    }
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited: ${err}`);
    if (Date.now() > deadline) throw new Error(`server did not start: ${err}`);
    const ok = await fetch(`${url}/stats`).then((r) => r.ok, () => false);
    if (ok) return { url: `ws://127.0.0.1:${port}`, child, dataDir, port };
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function oneServerStats(http: string): Promise<Stats | null> {
  try {
    return statsSchema.parse(await (await fetch(`${http}/stats`)).json());
  } catch {
    return null;
  }
}

/** Every server's /stats, summed (CPU, clients, rooms) or the largest (RSS). */
async function serverStats(https: readonly string[]): Promise<Stats | null> {
  const all = await Promise.all(https.map(oneServerStats));
  if (all.some((s) => s === null)) return null;
  const got = all.filter((s): s is Stats => s !== null);
  return {
    cpuUserMicros: got.reduce((n, s) => n + s.cpuUserMicros, 0),
    cpuSystemMicros: got.reduce((n, s) => n + s.cpuSystemMicros, 0),
    rssBytes: Math.max(...got.map((s) => s.rssBytes)),
    clients: got.reduce((n, s) => n + s.clients, 0),
    rooms: got.reduce((n, s) => n + s.rooms, 0),
  };
}

const roomIdsSchema = z.object({ roomIds: z.array(z.string()) });

/** A routed cluster: two servers behind the Fly proxy stand-in. */
interface Cluster {
  readonly servers: readonly SpawnedServer[];
  readonly proxy: FlyProxy;
}

/** The join prober is one player holding up to 20 open tables it created: no per-player caps for it. */
const PROBER_LIMITS_OFF = { TABLES_PER_PLAYER: "0", ROOM_CONNECTIONS_PER_PLAYER: "0" } as const;

async function startCluster(mode: "fly-replay" | "forward", cpuProfDir: string | undefined, redisEnv: Readonly<Record<string, string>>): Promise<Cluster> {
  const env =
    (machineId: string) =>
    (port: number): Record<string, string> =>
      mode === "fly-replay" ? { ...redisEnv, ...PROBER_LIMITS_OFF, FLY_MACHINE_ID: machineId } : { ...redisEnv, ...PROBER_LIMITS_OFF, ROOM_ROUTING: "forward", PRIVATE_ADDRESS: `127.0.0.1:${port}` };
  const a = await startServer(cpuProfDir, env("m-a"), true);
  const b = await startServer(undefined, env("m-b"), false);
  const proxy = await startFlyProxy({ backends: [{ machineId: "m-a", port: a.port }, { machineId: "m-b", port: b.port }], honourReplay: mode === "fly-replay" });
  return { servers: [a, b], proxy };
}

/** Times one spectator join by id (matchmake, WebSocket, handshake) through `endpoint`, in ms. */
async function timeJoin(endpoint: string, token: string, roomId: string): Promise<number> {
  const client = new Client(endpoint);
  client.http.authToken = token;
  const started = performance.now();
  const room = await client.joinById(roomId, { spectate: true });
  const ms = performance.now() - started;
  room.onMessage("*", () => undefined);
  await room.leave(true);
  return ms;
}

/**
 * The join round trip direct to each table's host and through the stand-in, side by side.
 * Tables are created first (bots-free, long turns) and left open for the probes.
 */
async function probeJoins(cluster: Cluster, probes: number): Promise<void> {
  const account = await fetch(`${cluster.proxy.httpUrl}/api/auth/guest`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ displayName: "Prober" }) });
  const token = z.object({ data: z.object({ accessToken: z.string() }) }).parse(await account.json()).data.accessToken;
  const creator = new Client(cluster.proxy.url);
  creator.http.authToken = token;
  const tables: Room[] = [];
  for (let i = 0; i < Math.min(probes, 20); i++) {
    const table = await creator.create(ROOM_NAMES.table, { seats: 5, turnSeconds: 600 });
    table.onMessage("*", () => undefined);
    tables.push(table);
  }
  const hosts = await Promise.all(cluster.servers.map(async (s) => ({ url: s.url, roomIds: roomIdsSchema.parse(await (await fetch(`${httpBaseOf(s.url)}/stats`)).json()).roomIds })));
  const direct: number[] = [];
  const routed: number[] = [];
  const replaysBefore = cluster.proxy.counts.replays;
  for (let i = 0; i < probes; i++) {
    const table = tables[i % tables.length];
    if (table === undefined) break;
    const host = hosts.find((h) => h.roomIds.includes(table.roomId));
    if (host === undefined) continue;
    direct.push(await timeJoin(host.url, token, table.roomId));
    routed.push(await timeJoin(cluster.proxy.url, token, table.roomId));
  }
  const replays = cluster.proxy.counts.replays - replaysBefore;
  console.log(`join round trip (joinById as spectator: matchmake + WebSocket + handshake), ${direct.length} probes each:`);
  console.log(`  direct to the table's host:  ${msFigures(direct)}`);
  console.log(`  through the proxy stand-in:  ${msFigures(routed)} (${replays} fly-replay answers replayed; about half the upgrades land on the other process)`);
  const sd = [...direct].sort((x, y) => x - y);
  const sr = [...routed].sort((x, y) => x - y);
  console.log(`  extra through the stand-in (its own hop, plus the routing hop for about half the joins): p50 ${(percentile(sr, 50) - percentile(sd, 50)).toFixed(1)} ms, p99 ${(percentile(sr, 99) - percentile(sd, 99)).toFixed(1)} ms`);
  await Promise.all(tables.map((t) => t.leave(true).catch(() => undefined)));
}

const eventLineSchema = z.object({ index: z.number().int(), event: z.object({ type: z.string() }) });

/** Checks one finished game's log: gapless from 0, completed, and at least `seen` long. */
async function checkLog(http: string, gameId: string, seenCount: number): Promise<string | null> {
  const response = await fetch(`${http}/api/games/${gameId}/events`);
  if (!response.ok) return `HTTP ${response.status}`;
  const lines = (await response.text()).split("\n").filter((l) => l.length > 0);
  const events = lines.map((l) => eventLineSchema.parse(JSON.parse(l)));
  if (!events.every((e, i) => e.index === i)) return "gap in event indexes";
  if (events.at(-1)?.event.type !== "game_completed") return "not completed";
  if (events.length < seenCount) return `clients saw ${seenCount} events, log has ${events.length}`;
  return null;
}

/** Lobby clients: record (receive time - delta.at) of every ladder delta. */
async function openLobbies(endpoint: string, count: number): Promise<{ delays: number[]; close: () => Promise<void> }> {
  const delays: number[] = [];
  const rooms: Room[] = [];
  for (let i = 0; i < count; i++) {
    const room = await new Client(endpoint).joinOrCreate(ROOM_NAMES.lobby);
    room.onMessage("ladder_delta", (raw: unknown) => {
      const received = Date.now();
      const delta = deltaSchema.safeParse(raw);
      if (delta.success) delays.push(received - delta.data.at);
    });
    for (const type of ["rooms", "+", "-", "live", "ladder_snapshot", "result"]) room.onMessage(type, () => undefined);
    rooms.push(room);
  }
  return { delays, close: async () => void (await Promise.all(rooms.map((r) => r.leave(true).catch(() => undefined)))) };
}

const deltaSchema = z.object({ at: z.number() });

function loadLine(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
}

function msFigures(samples: readonly number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  return `p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms, max ${(sorted.at(-1) ?? Number.NaN).toFixed(1)} ms (n=${sorted.length})`;
}

/** The reader loops' figures, printed under the move round trip. */
function printReaders(f: ReaderFigures, count: number, readPath: string): void {
  const failed = [...f.failures.entries()].map(([cause, n]) => `${n} ${cause}`).join(", ");
  const mean = f.latencies.length === 0 ? 0 : f.bytes / f.latencies.length / 1024;
  console.log(
    `REST readers (${count} loops of GET ${readPath}, ${f.seconds.toFixed(1)} s from the ramp's start to the last report): ` +
      `${(f.latencies.length / f.seconds).toFixed(1)} reads/s, ${mean.toFixed(1)} KiB each; latency ${msFigures(f.latencies)}; failures: ${failed === "" ? "none" : failed}`,
  );
}

function startWorker(job: WorkerJob, onProgress: (worker: number, connected: number, moves: number) => void): { child: ChildProcess; report: Promise<WorkerReport | null> } {
  const child = fork(path.join(root, "loadtest", "worker.ts"), [], {
    cwd: root,
    execPath: path.join(root, "node_modules", ".bin", "node"),
    execArgv: ["--import", "tsx"],
    serialization: "advanced",
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const report = new Promise<WorkerReport | null>((resolve) => {
    let got: WorkerReport | null = null;
    child.on("message", (raw: unknown) => {
      const m = workerMessageSchema.safeParse(raw);
      if (!m.success) return;
      if (m.data.type === "progress") onProgress(m.data.worker, m.data.connected, m.data.moves);
      else got = m.data;
    });
    child.once("exit", () => resolve(got));
  });
  child.send(job);
  return { child, report };
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      clients: { type: "string" },
      tables: { type: "string" },
      url: { type: "string" },
      "turn-seconds": { type: "string" },
      "max-seconds": { type: "string" },
      workers: { type: "string" },
      "think-ms": { type: "string" },
      "lobby-clients": { type: "string" },
      "server-cpu-prof": { type: "string" },
      "ramp-seconds": { type: "string" },
      routing: { type: "string" },
      "join-probes": { type: "string" },
      readers: { type: "string" },
      "read-path": { type: "string" },
    },
  });
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success) {
    console.error(`usage: npm run loadtest -- --clients N [--tables M] [--workers K] [--think-ms MIN-MAX] [--lobby-clients L] [--max-seconds S] [--url ws://host:port]\n${z.prettifyError(parsed.error)}`);
    return 2;
  }
  const { clients, workers: workerArg } = parsed.data;
  const [thinkMinMs, thinkMaxMs] = parsed.data["think-ms"];
  const tables = parsed.data.tables ?? Math.floor(clients / 4);
  const seats = clients / tables;
  if (!Number.isInteger(seats) || seats < 3 || seats > 5) {
    console.error(`--clients / --tables must be a whole 3..5 seats per table (got ${seats})`);
    return 2;
  }
  const workers = Math.min(workerArg ?? availableParallelism(), tables);

  const routing = parsed.data.routing;
  const hasEnv = (name: string): boolean => process.env[name] !== undefined && process.env[name] !== "";
  if (routing !== undefined && (parsed.data.url !== undefined || !hasEnv("DATABASE_URL") || !hasEnv("REDIS_URL"))) {
    console.error("--routing starts two server processes itself: it needs DATABASE_URL and REDIS_URL (it claims a Redis logical database of its own there: Colyseus keys carry no prefix) and no --url");
    return 2;
  }

  console.log(`load average at start (1/5/15 min): ${loadLine()} on ${availableParallelism()} cores`);
  // The servers the harness starts get a Redis database of their own: Colyseus's presence and
  // driver keys carry no prefix, so other runs' processes on the same database would take rooms.
  const redisDb = parsed.data.url === undefined && hasEnv("REDIS_URL") ? await claimRedisDatabase() : null;
  if (redisDb !== null) releaseRedisOnError = () => redisDb.release();
  const redisEnv: Record<string, string> = redisDb === null ? {} : { REDIS_URL: redisDb.url };
  const cluster = routing === undefined ? null : await startCluster(routing, parsed.data["server-cpu-prof"], redisEnv);
  const spawned = cluster?.servers[0] ?? (parsed.data.url === undefined ? await startServer(parsed.data["server-cpu-prof"], () => redisEnv) : null);
  const endpoint = parsed.data.url ?? cluster?.proxy.url ?? spawned?.url ?? "";
  const http = httpBaseOf(endpoint);
  const statsHttps = cluster === null ? [http] : cluster.servers.map((s) => httpBaseOf(s.url));
  if (cluster !== null) console.log(`routing: two server processes (no PUBLIC_URL, ROOM_ROUTING=${routing}) behind the Fly proxy stand-in at ${cluster.proxy.url}; server figures below are summed over both (RSS: the larger)`);
  console.log(`load: ${clients} clients at ${tables} tables of ${seats} against ${endpoint}${spawned === null ? "" : " (server started by the harness)"}`);
  if (spawned !== null) {
    const db = process.env["DATABASE_URL"] !== undefined && process.env["DATABASE_URL"] !== "" ? "PostgreSQL (DATABASE_URL)" : "embedded PGlite (its own process, started by the server)";
    const redis = process.env["REDIS_URL"] !== undefined && process.env["REDIS_URL"] !== "" ? "Redis presence/driver (REDIS_URL)" : "in-process presence/driver";
    console.log(`server backend: ${db}, ${redis}${parsed.data["server-cpu-prof"] === undefined ? "" : `; CPU profile into ${parsed.data["server-cpu-prof"]}`}`);
  }
  console.log(
    `harness: ${workers} worker process(es), ${parsed.data["lobby-clients"]} lobby client(s); pacing: each bot thinks ${thinkMinMs === thinkMaxMs ? `${thinkMinMs} ms` : `${thinkMinMs}-${thinkMaxMs} ms (uniform)`} before each move (not counted in the round trip); tables start spread over ${parsed.data["ramp-seconds"]} s`,
  );

  const harnessLoop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  harnessLoop.enable();
  if (cluster !== null) await probeJoins(cluster, parsed.data["join-probes"]);
  const lobby = await openLobbies(endpoint, parsed.data["lobby-clients"]);

  // Cumulative server CPU (every server summed), stamped halfway between asking and the answer.
  const cpuSamples: CpuSample[] = [];
  const sampleStats = async (): Promise<Stats | null> => {
    const askedAt = Date.now();
    const s = await serverStats(statsHttps);
    if (s !== null) cpuSamples.push({ at: (askedAt + Date.now()) / 2, cpuSeconds: (s.cpuUserMicros + s.cpuSystemMicros) / 1e6 });
    return s;
  };
  const before = await sampleStats();
  spawned?.child.kill("SIGUSR2"); // the probe's histogram starts now
  const serverSchedBefore = spawned?.child.pid === undefined ? null : schedstat(spawned.child.pid);
  const t0 = performance.now();
  let maxRss = before?.rssBytes ?? 0;
  let peakClients = 0;
  const statsLatency: number[] = [];
  const sampler = setInterval(() => {
    const sent = performance.now();
    void sampleStats().then((s) => {
      if (s === null) return;
      statsLatency.push(performance.now() - sent);
      maxRss = Math.max(maxRss, s.rssBytes);
      peakClients = Math.max(peakClients, s.clients);
    });
  }, 1000);

  const deadline = Date.now() + parsed.data["max-seconds"] * 1000;
  const progress = new Map<number, { connected: number; moves: number }>();
  let lastProgressLine = 0;
  const onProgress = (worker: number, connected: number, moves: number): void => {
    progress.set(worker, { connected, moves });
    if (performance.now() - lastProgressLine < 10_000) return;
    lastProgressLine = performance.now();
    const all = [...progress.values()];
    console.log(`  ${((performance.now() - t0) / 1000).toFixed(0)} s: ${all.reduce((n, p) => n + p.connected, 0)} connected, ${all.reduce((n, p) => n + p.moves, 0)} moves`);
  };
  // Guest logins come first in every worker; the ramp starts a moment later for all of them.
  const rampStartAt = Date.now() + 2_000 + clients * 2;
  const started = Array.from({ length: workers }, (_, w) => {
    const firstTable = Math.floor((w * tables) / workers);
    const tableCount = Math.floor(((w + 1) * tables) / workers) - firstTable;
    return startWorker({ type: "job", worker: w, endpoint, firstTable, tableCount, seats, turnSeconds: parsed.data["turn-seconds"], thinkMinMs, thinkMaxMs, deadline, totalTables: tables, rampMs: parsed.data["ramp-seconds"] * 1000, rampStartAt, unranked: parsed.data.url !== undefined }, onProgress);
  });
  // The reader loops start with the ramp (after the guest logins) and stop once every worker has reported.
  let readers: Readers | null = null;
  const readersAt = setTimeout(() => {
    if (parsed.data.readers > 0) readers = startReaders(http, parsed.data["read-path"], parsed.data.readers);
  }, Math.max(0, rampStartAt - Date.now()));
  const killer = setTimeout(() => started.forEach((s) => s.child.kill("SIGKILL")), parsed.data["max-seconds"] * 1000 + 60_000);
  const reports = (await Promise.all(started.map((s) => s.report))).filter((r): r is WorkerReport => r !== null);
  clearTimeout(killer);
  clearTimeout(readersAt);
  const readerFigures: ReaderFigures | null = readers === null ? null : await (readers as Readers).stop();
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  // Deltas of the last games are published right after their completion commits: give them a moment.
  await new Promise((r) => setTimeout(r, 1_000));
  harnessLoop.disable();
  const after = await sampleStats();
  const serverSchedAfter = spawned?.child.pid === undefined ? null : schedstat(spawned.child.pid);

  const connected = reports.reduce((n, r) => n + r.connected, 0);
  const failures = reports.reduce((n, r) => n + r.connectFailures, 0);
  const sample = reports.find((r) => r.failureSample !== null)?.failureSample;
  console.log(`connected clients: ${connected}/${clients} (server peak ${peakClients}; failures ${failures}${sample === undefined ? "" : `, e.g. ${sample}`})`);
  if (reports.length < workers) console.log(`${workers - reports.length} worker(s) sent no report`);

  const roundTrips = reports.flatMap((r) => r.roundTrips);
  const firsts = reports.map((r) => r.firstMoveAt).filter((t): t is number => t !== null);
  const lasts = reports.map((r) => r.lastMoveAt).filter((t): t is number => t !== null);
  const playSeconds = firsts.length > 0 && lasts.length > 0 ? (Math.max(...lasts) - Math.min(...firsts)) / 1000 : Number.NaN;
  console.log(`moves: ${roundTrips.length} in ${playSeconds.toFixed(1)} s of play (${seconds.toFixed(1)} s in all) = ${(roundTrips.length / playSeconds).toFixed(0)} moves/s, paced by ${thinkMinMs}-${thinkMaxMs} ms think time`);
  console.log(`move round trip (send -> own state), all workers merged: ${msFigures(roundTrips)}`);
  if (readerFigures !== null) printReaders(readerFigures, parsed.data.readers, parsed.data["read-path"]);
  else if (parsed.data.readers > 0) console.log("REST readers: never started (the workers reported before the ramp began)");
  for (const r of reports) console.log(`  worker ${r.worker}: ${r.connected} clients, event-loop delay ${formatLoopDelay(r.loopDelay)}; CPU ${((r.cpuSeconds / r.wallSeconds) * 100).toFixed(0)}% of one core; main thread ${r.sched}`);
  console.log(`harness coordinator event-loop delay: ${formatLoopDelay(loopDelayOf(harnessLoop))}`);
  const serverLoopNow: LoopDelay | null = serverLoop;
  if (serverLoopNow !== null) {
    const utilization = serverLoopNow.utilization === undefined ? "" : `; event-loop utilization ${(serverLoopNow.utilization * 100).toFixed(0)}%`;
    console.log(`server event-loop delay (probe preloaded into the server process): ${formatLoopDelay(serverLoopNow)}${utilization}`);
  }
  console.log(`server /stats HTTP round trip during the run (its event loop's responsiveness): ${msFigures(statsLatency)}`);
  if (before !== null && after !== null) {
    const cpuSeconds = (after.cpuUserMicros + after.cpuSystemMicros - before.cpuUserMicros - before.cpuSystemMicros) / 1e6;
    console.log(`server: CPU ${((cpuSeconds / seconds) * 100).toFixed(0)}% of one core on average, RSS max ${(Math.max(maxRss, after.rssBytes) / 1048576).toFixed(0)} MB`);
    console.log(`server CPU: ${cpuSeconds.toFixed(1)} s (user + system) for ${roundTrips.length} moves = ${((cpuSeconds / roundTrips.length) * 1000).toFixed(2)} s per 1000 moves`);
  }
  const playCpu = firsts.length > 0 && lasts.length > 0 ? cpuBetween(cpuSamples, Math.min(...firsts), Math.max(...lasts)) : null;
  console.log(
    playCpu === null
      ? "server CPU over the play window: unknown (no /stats readings around the first and the last move)"
      : `server CPU over the play window (first move to last, ${playSeconds.toFixed(1)} s; /stats read every second, interpolated): ` +
          `${playCpu.toFixed(2)} s = ${((playCpu * 1000) / roundTrips.length).toFixed(3)} ms per move (${roundTrips.length} moves)`,
  );
  const servers = cluster?.servers ?? (spawned === null ? [] : [spawned]);
  const peaks = servers.map((server) => (server.child.pid === undefined ? null : peakRssBytes(server.child.pid)));
  console.log(
    servers.length === 0
      ? "server peak RSS (VmHWM): unknown (a server this harness did not start, --url)"
      : `server peak RSS (VmHWM in /proc/<pid>/status, since the process started): ${peaks.map((b) => (b === null ? "unknown (no /proc)" : `${(b / 1048576).toFixed(0)} MB`)).join(", ")}`,
  );
  const dbPids = servers.flatMap((server) => (server.child.pid === undefined ? [] : childProcessesOf(server.child.pid)));
  if (dbPids.length > 0) {
    const dbPeaks = dbPids.map((pid) => peakRssBytes(pid));
    console.log(`embedded database process peak RSS (VmHWM): ${dbPeaks.map((b) => (b === null ? "unknown" : `${(b / 1048576).toFixed(0)} MB`)).join(", ")} (not in the server figures above)`);
  }
  if (spawned !== null) {
    console.log(`server main thread over the run (${seconds.toFixed(0)} s): ${formatSched(serverSchedBefore, serverSchedAfter)}`);
  }
  console.log(`lobby delay (ladder delta: receive time - delta.at, ${parsed.data["lobby-clients"]} lobby clients): ${msFigures(lobby.delays)}`);
  await lobby.close();

  const timedOut = reports.some((r) => r.timedOut);
  if (timedOut) console.log(`not every game finished within ${parsed.data["max-seconds"]} s`);
  let lost = 0;
  let completed = 0;
  const tableReports = reports.flatMap((r) => r.tables);
  for (const t of tableReports) {
    if (!t.completed) continue;
    completed += 1;
    const problem = await checkLog(http, t.gameId, t.seenMax + 1);
    if (problem !== null) {
      lost += 1;
      console.log(`game ${t.gameId}: ${problem}`);
    }
  }
  console.log(`logs checked: ${completed}/${tables} completed games, ${lost} with lost or missing events`);
  console.log(`load average at end (1/5/15 min): ${loadLine()}`);

  for (const server of servers) {
    server.child.kill("SIGTERM");
    await new Promise((r) => server.child.once("exit", r));
    rmSync(server.dataDir, { recursive: true, force: true });
  }
  await cluster?.proxy.close();
  await redisDb?.release();
  return lost === 0 && !timedOut && reports.length === workers ? 0 : 1;
}

/** Gives the claimed Redis database back when the run fails part way (set once it is claimed). */
let releaseRedisOnError: (() => Promise<void>) | undefined;

main().then(
  (code) => process.exit(code),
  async (err: unknown) => {
    console.error(err);
    await releaseRedisOnError?.().catch(() => undefined);
    process.exit(1);
  },
);
