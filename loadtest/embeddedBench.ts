/**
 * `npm run bench:embedded [-- --tables 100 --seconds 20 --games 2]`: the embedded default
 * (PGlite in its own process) beside PostgreSQL, side by side (issue 19, items 6 and 9).
 *
 * For each backend it starts the server as `npm start` does (`node scripts/start.mjs`, the
 * compiled server; a fresh DATA_DIR; PostgreSQL on a scratch database made through DATABASE_URL
 * and dropped afterwards, skipped without DATABASE_URL) and prints:
 * - idle memory a few seconds after it listens: current RSS and peak RSS (VmHWM) of the server
 *   process and of its database process (the embedded one; none on PostgreSQL), and their sum;
 * - CPU per move at one table of 4 bot clients (no server bots), over `--games` whole games
 *   played one after another: the server process (all its threads), its main thread alone
 *   (the game thread, /proc schedstat), and the database: the embedded process, or on
 *   PostgreSQL the backends serving the scratch database (pg_stat_activity, /proc; PostgreSQL
 *   runs on this machine);
 * - memory with `--tables` tables playing at once (one bot client and three server bots each,
 *   paced like people: 200-500 ms think time), sampled every second for `--seconds`: the largest
 *   current RSS seen and the peak (VmHWM) of each process and their sum.
 * Then it stops the server with SIGTERM and checks that the database process is gone too.
 *
 * The figures are noisy on a shared machine: compare runs made back to back, and rerun.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import postgres from "postgres";
import { z } from "zod";
import { createScratchDatabase, type ScratchDatabase } from "../db/testing/scratchDatabase.js";
import { smartPolicy } from "../src/bots/policy.js";
import { guestLogin, startBotClient, type BotHandle } from "../src/bots/client.js";
import { childProcessesOf, pool, schedstat } from "./shared.js";
import { freePort, LOAD_SERVER_ENV } from "./serverEnv.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const MB = 1048576;

const argsSchema = z.object({
  tables: z.coerce.number().int().min(1).max(1000).default(100),
  seconds: z.coerce.number().int().min(5).max(300).default(20),
  games: z.coerce.number().int().min(1).max(20).default(2),
});
type Args = z.infer<typeof argsSchema>;

/** Current and peak resident memory of one process, bytes (null: gone or no /proc). */
interface Memory {
  readonly rss: number;
  readonly hwm: number;
  /**
   * Proportional set size: the resident pages with each page shared by k processes counted 1/k.
   * The server and the embedded database process run the same node binary (about 50 MB of it
   * resident): RSS counts those pages in both processes, PSS once between them.
   */
  readonly pss: number;
}

function pssOf(pid: number): number {
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
    return Number(/^Pss:\s+(\d+) kB$/m.exec(rollup)?.[1] ?? Number.NaN) * 1024;
  } catch {
    return Number.NaN;
  }
}

function memoryOf(pid: number | undefined): Memory | null {
  if (pid === undefined) return null;
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB$`, "m").exec(status)?.[1] ?? Number.NaN) * 1024;
    return { rss: kb("VmRSS"), hwm: kb("VmHWM"), pss: pssOf(pid) };
  } catch {
    return null;
  }
}

/** CPU seconds (user + system, every thread) a process has used, from /proc/<pid>/stat. */
function cpuSecondsOf(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime and stime are fields 14 and 15 of the whole line (12 and 13 after the command), in clock ticks.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

interface Server {
  readonly child: ChildProcess;
  readonly pid: number;
  /** The database process (embedded default), if the server has one. */
  readonly dbPid: number | undefined;
  readonly http: string;
  readonly ws: string;
  readonly output: () => string;
  readonly dataDir: string;
}

/** Starts the server as `npm start` does (scripts/start.mjs, compiled), and waits until it listens. */
async function startServer(databaseUrl: string | undefined): Promise<Server> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), "pzo-embedded-bench-"));
  const { DATABASE_URL: _db, REDIS_URL: _redis, NODE_OPTIONS: _opts, ...inherited } = process.env;
  const child = spawn(path.join(root, "node_modules", ".bin", "node"), [path.join(root, "scripts", "start.mjs")], {
    cwd: root,
    env: {
      ...inherited,
      ...(databaseUrl === undefined ? {} : { DATABASE_URL: databaseUrl }),
      ...LOAD_SERVER_ENV,
      JWT_SECRET: "embedded-bench-secret-embedded-bench-secret-0123",
      PORT: String(port),
      DATA_DIR: dataDir,
      BOT_HUMAN_DELAY_MS: "200-500",
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  process.once("exit", () => {
    if (child.exitCode === null) child.kill("SIGKILL");
  });
  let err = "";
  child.stderr?.on("data", (d: Buffer) => {
    if (err.length < 50_000) err += d.toString();
  });
  const http = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited: ${err}`);
    if (Date.now() > deadline) throw new Error(`server did not start: ${err}`);
    if (await fetch(`${http}/stats`).then((r) => r.ok, () => false)) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const pid = child.pid ?? 0;
  return { child, pid, dbPid: childProcessesOf(pid)[0], http, ws: `ws://127.0.0.1:${port}`, output: () => err, dataDir };
}

/** Stops the server with SIGTERM; true when its database process is gone too (within 15 s). */
async function stopServer(server: Server): Promise<boolean> {
  const exited = new Promise((r) => (server.child.exitCode === null ? server.child.once("exit", r) : r(null)));
  server.child.kill("SIGTERM");
  await exited;
  const deadline = Date.now() + 15_000;
  while (server.dbPid !== undefined && alive(server.dbPid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  rmSync(server.dataDir, { recursive: true, force: true });
  return server.dbPid === undefined || !alive(server.dbPid);
}

/** CPU per move at one table of four bot clients, over `games` games one after another. */
interface MoveCost {
  readonly moves: number;
  readonly serverMs: number;
  readonly mainThreadMs: number;
  readonly databaseMs: number;
}

/** CPU seconds per database process, now (the embedded process, or PostgreSQL's backends). */
type DatabaseCpu = () => Promise<ReadonlyMap<number, number>>;

/** CPU the database processes used between two readings (a process new in `after` counts from 0). */
function cpuDelta(before: ReadonlyMap<number, number>, after: ReadonlyMap<number, number>): number {
  let total = 0;
  for (const [pid, cpu] of after) total += cpu - (before.get(pid) ?? 0);
  return total;
}

/** The backends serving database `name`, read through `adminUrl` (its own connection excluded). */
function postgresBackendsCpu(adminUrl: string, name: string): DatabaseCpu {
  return async () => {
    const sql = postgres(adminUrl, { max: 1, onnotice: () => undefined });
    try {
      const rows = await sql<{ pid: number }[]>`SELECT pid FROM pg_stat_activity WHERE datname = ${name} AND pid <> pg_backend_pid()`;
      return new Map(rows.map((r) => [r.pid, cpuSecondsOf(r.pid)]));
    } finally {
      await sql.end({ timeout: 5 });
    }
  };
}

async function oneTable(server: Server, games: number, databaseCpu: DatabaseCpu): Promise<MoveCost> {
  const accounts = await Promise.all(["B1", "B2", "B3", "B4"].map((n) => guestLogin(server.http, n)));
  const cpu0 = cpuSecondsOf(server.pid);
  const db0 = await databaseCpu();
  const main0 = schedstat(server.pid)?.onCpu ?? 0;
  let moves = 0;
  for (let g = 0; g < games; g++) {
    const [first, ...others] = accounts;
    if (first === undefined) break;
    const host = await startBotClient({ endpoint: server.ws, token: first.token, target: { kind: "create", options: { seats: 4 } }, policy: smartPolicy, reconnect: false, moveDelayMs: 5 });
    const rest = await Promise.all(
      others.map((a) => startBotClient({ endpoint: server.ws, token: a.token, target: { kind: "join", roomId: host.room.roomId, seat: null }, policy: smartPolicy, reconnect: false, moveDelayMs: 5 })),
    );
    const outcomes = await Promise.all([host, ...rest].map((h) => h.done));
    if (!outcomes.every((o) => o.completed)) throw new Error("a one-table game did not complete");
    moves += outcomes.reduce((n, o) => n + o.moves, 0);
  }
  const perMove = (seconds: number): number => (seconds * 1000) / moves;
  return {
    moves,
    serverMs: perMove(cpuSecondsOf(server.pid) - cpu0),
    mainThreadMs: perMove((schedstat(server.pid)?.onCpu ?? 0) - main0),
    databaseMs: perMove(cpuDelta(db0, await databaseCpu())),
  };
}

/** Largest current RSS seen and the peak, per process, while `tables` tables play. */
interface Crowd {
  readonly tables: number;
  readonly main: Memory;
  readonly db: Memory | null;
  readonly sumRss: number;
  /** Largest sum of the two processes' PSS seen (shared pages counted once). */
  readonly sumPss: number;
}

async function manyTables(server: Server, tables: number, seconds: number): Promise<Crowd> {
  const think = (): number => 200 + Math.random() * 300;
  const handles: BotHandle[] = await pool(tables, 10, async (i) => {
    const { token } = await guestLogin(server.http, `T${i}`);
    return startBotClient({ endpoint: server.ws, token, target: { kind: "create", options: { seats: 4, bots: 3 } }, policy: smartPolicy, reconnect: false, moveDelayMs: think });
  });
  let mainRss = 0;
  let dbRss = 0;
  let sumRss = 0;
  let sumPss = 0;
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    const m = memoryOf(server.pid);
    const d = memoryOf(server.dbPid);
    mainRss = Math.max(mainRss, m?.rss ?? 0);
    dbRss = Math.max(dbRss, d?.rss ?? 0);
    sumRss = Math.max(sumRss, (m?.rss ?? 0) + (d?.rss ?? 0));
    sumPss = Math.max(sumPss, (m?.pss ?? 0) + (d?.pss ?? 0));
    await new Promise((r) => setTimeout(r, 1000));
  }
  const main = memoryOf(server.pid);
  const db = memoryOf(server.dbPid);
  await Promise.all(handles.map((h) => h.leave().catch(() => undefined)));
  return { tables, main: { rss: mainRss, hwm: main?.hwm ?? Number.NaN, pss: main?.pss ?? Number.NaN }, db: db === null ? null : { rss: dbRss, hwm: db.hwm, pss: db.pss }, sumRss, sumPss };
}

interface Result {
  readonly name: string;
  readonly idle: { readonly main: Memory | null; readonly db: Memory | null };
  readonly cost: MoveCost;
  readonly crowd: Crowd;
  readonly dbStopped: boolean;
}

async function runBackend(name: string, databaseUrl: string | undefined, args: Args, postgresCpu?: DatabaseCpu): Promise<Result> {
  console.log(`${name}: starting the server (node scripts/start.mjs)...`);
  const server = await startServer(databaseUrl);
  try {
    await new Promise((r) => setTimeout(r, 5_000));
    const idle = { main: memoryOf(server.pid), db: memoryOf(server.dbPid) };
    console.log(`${name}: idle measured; ${args.games} game(s) at one table...`);
    const embeddedCpu: DatabaseCpu = () => Promise.resolve(new Map(server.dbPid === undefined ? [] : [[server.dbPid, cpuSecondsOf(server.dbPid)]]));
    const cost = await oneTable(server, args.games, postgresCpu ?? embeddedCpu);
    console.log(`${name}: ${cost.moves} moves; ${args.tables} tables for ${args.seconds} s...`);
    const crowd = await manyTables(server, args.tables, args.seconds);
    return { name, idle, cost, crowd, dbStopped: await stopServer(server) };
  } catch (err) {
    await stopServer(server).catch(() => false);
    throw err;
  }
}

const mb = (bytes: number | undefined): string => (bytes === undefined || !Number.isFinite(bytes) ? "-" : `${(bytes / MB).toFixed(0)} MB`);

function printResults(results: readonly Result[], args: Args): void {
  const rows: [string, (r: Result) => string][] = [
    ["idle RSS: server process (current / peak)", (r) => `${mb(r.idle.main?.rss)} / ${mb(r.idle.main?.hwm)}`],
    ["idle RSS: database process (current / peak)", (r) => (r.idle.db === null ? "none" : `${mb(r.idle.db.rss)} / ${mb(r.idle.db.hwm)}`)],
    ["idle RSS: sum (current / peak)", (r) => `${mb((r.idle.main?.rss ?? 0) + (r.idle.db?.rss ?? 0))} / ${mb((r.idle.main?.hwm ?? 0) + (r.idle.db?.hwm ?? 0))}`],
    ["idle PSS: sum (shared pages counted once)", (r) => mb((r.idle.main?.pss ?? 0) + (r.idle.db?.pss ?? 0))],
    [`${args.tables} tables: server process (max current / peak)`, (r) => `${mb(r.crowd.main.rss)} / ${mb(r.crowd.main.hwm)}`],
    [`${args.tables} tables: database process (max current / peak)`, (r) => (r.crowd.db === null ? "none" : `${mb(r.crowd.db.rss)} / ${mb(r.crowd.db.hwm)}`)],
    [`${args.tables} tables: sum (max current / peak)`, (r) => `${mb(r.crowd.sumRss)} / ${mb(r.crowd.main.hwm + (r.crowd.db?.hwm ?? 0))}`],
    [`${args.tables} tables: PSS sum (max; shared pages counted once)`, (r) => mb(r.crowd.sumPss)],
    ["one table: moves measured", (r) => String(r.cost.moves)],
    ["CPU per move: server process (all threads)", (r) => `${r.cost.serverMs.toFixed(3)} ms`],
    ["CPU per move: server main (game) thread", (r) => `${r.cost.mainThreadMs.toFixed(3)} ms`],
    ["CPU per move: database (process / PG backends)", (r) => `${r.cost.databaseMs.toFixed(3)} ms`],
    ["CPU per move: server + database", (r) => `${(r.cost.serverMs + r.cost.databaseMs).toFixed(3)} ms`],
    ["database process gone after SIGTERM", (r) => (r.idle.db === null ? "n/a" : r.dbStopped ? "yes" : "NO")],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  console.log(`\n${"".padEnd(width)}  ${results.map((r) => r.name.padEnd(22)).join("  ")}`);
  for (const [label, cell] of rows) console.log(`${label.padEnd(width)}  ${results.map((r) => cell(r).padEnd(22)).join("  ")}`);
  const pg = results.find((r) => r.name === "PostgreSQL");
  const lite = results.find((r) => r.name !== "PostgreSQL");
  if (pg !== undefined && lite !== undefined) {
    const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}x`;
    console.log(
      `\nPGlite / PostgreSQL, CPU per move: server process ${ratio(lite.cost.serverMs, pg.cost.serverMs)}, main thread ${ratio(lite.cost.mainThreadMs, pg.cost.mainThreadMs)}, ` +
        `database ${ratio(lite.cost.databaseMs, pg.cost.databaseMs)}, server + database ${ratio(lite.cost.serverMs + lite.cost.databaseMs, pg.cost.serverMs + pg.cost.databaseMs)}`,
    );
  }
  console.log(`load average at end (1/5/15 min): ${loadavg().map((l) => l.toFixed(2)).join(" ")} on ${availableParallelism()} cores. Figures are noisy on a shared machine: rerun and compare runs made back to back.`);
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { tables: { type: "string" }, seconds: { type: "string" }, games: { type: "string" } } });
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success) {
    console.error(`usage: npm run bench:embedded [-- --tables N --seconds S --games G]\n${z.prettifyError(parsed.error)}`);
    return 2;
  }
  const args = parsed.data;
  console.log(`load average at start (1/5/15 min): ${loadavg().map((l) => l.toFixed(2)).join(" ")} on ${availableParallelism()} cores`);
  const results: Result[] = [await runBackend("PGlite (embedded)", undefined, args)];
  const adminUrl = process.env["DATABASE_URL"];
  if (adminUrl === undefined || adminUrl === "") {
    console.log("PostgreSQL: SKIPPED (DATABASE_URL is not set; it is used as an admin connection to make a scratch database)");
  } else {
    let scratch: ScratchDatabase | undefined;
    try {
      scratch = await createScratchDatabase(adminUrl, "pzo_bench");
      results.push(await runBackend("PostgreSQL", scratch.url, args, postgresBackendsCpu(adminUrl, scratch.name)));
    } finally {
      await scratch?.drop();
    }
  }
  printResults(results, args);
  return results.every((r) => r.dbStopped) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
