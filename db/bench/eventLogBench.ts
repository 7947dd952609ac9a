/**
 * `npm run bench:eventlog`: durable throughput and commit latency of the group-commit event
 * log against PostgreSQL.
 *
 * - Saturation: `SAT_GAMES` games append concurrently, each like a room (one append in flight
 *   per game, awaited before the next), until every game has written its whole log. Reports
 *   committed events per second.
 * - Latency: an open-loop, paced load offers `RATE` events/s spread over `LAT_GAMES` games for
 *   `LAT_SECONDS`. Each append's latency is measured from its scheduled send time to its
 *   commit (so a stall is not hidden by the load backing off). Reports p50 and p99.
 * Each is run `RUNS` times (default 3) and the median is reported.
 *
 * Needs `DATABASE_URL` (an admin connection): the bench creates its own database, migrates it
 * and drops it at the end. Without `DATABASE_URL` it runs on in-memory PGlite and says so (the
 * targets are PostgreSQL's). Knobs (environment): RUNS, SAT_GAMES, RATE, LAT_GAMES,
 * LAT_SECONDS, EVENTLOG_MAX_BATCH, EVENTLOG_MAX_WAIT_MS, EVENTLOG_FLUSHES.
 */
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { sql } from "drizzle-orm";
import type { GameEvent, GameId } from "../../src/game/types.js";
import { createDatabase, migrate, PGLITE_MEMORY, type DatabaseHandle } from "../client.js";
import { GroupCommitEventLog, type EventLogFaults, type FlushAttempt, type StorageLogger } from "../eventLog.js";
import { createGame } from "../games.js";
import { createScratchDatabase, type ScratchDatabase } from "../scratchDatabase.js";
import { chunkEvents, createOccupants, gameIdFor, playGame } from "../testing/fixtures.js";

const num = (name: string, fallback: number): number => {
  const raw = process.env[name];
  const value = raw === undefined || raw === "" ? fallback : Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a non-negative number`);
  return value;
};

const RUNS = num("RUNS", 3);
const SAT_GAMES = num("SAT_GAMES", 400);
const RATE = num("RATE", 5000);
const LAT_GAMES = num("LAT_GAMES", 200);
const LAT_SECONDS = num("LAT_SECONDS", 10);
const MAX_BATCH = num("EVENTLOG_MAX_BATCH", 500);
const MAX_WAIT_MS = num("EVENTLOG_MAX_WAIT_MS", 2);
const FLUSHES = num("EVENTLOG_FLUSHES", 4);
const TARGET_EPS = 20_000;
const TARGET_P99_MS = 10;

const quiet: StorageLogger = {
  warn: (obj, msg) => console.warn(`[eventlog warn] ${msg}`, obj),
  error: (obj, msg) => console.error(`[eventlog error] ${msg}`, obj),
};

/** Event templates: a few whole games played by the engine, appended under fresh game ids. */
interface Template {
  readonly created: Extract<GameEvent, { type: "game_created" }>;
  readonly chunks: GameEvent[][];
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

/**
 * CPU seconds used so far by this database's server backends, read from /proc: possible only
 * when PostgreSQL runs on this machine (and PGlite, which runs in this process, has none).
 * Returns pid -> seconds, or undefined when it cannot be read.
 */
async function backendCpu(handle: DatabaseHandle): Promise<Map<number, number> | undefined> {
  if (handle.kind !== "postgres") return undefined;
  const rows = await handle.db.select({ pid: sql<number>`pid`.mapWith(Number) }).from(sql`pg_stat_activity`).where(sql`datname = current_database()`);
  const out = new Map<number, number>();
  for (const { pid } of rows) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      out.set(pid, (Number(fields[11]) + Number(fields[12])) / 100);
    } catch {
      return undefined;
    }
  }
  return out;
}

/** Server CPU seconds spent between two {@link backendCpu} readings (new backends count from 0). */
function cpuBetween(before: Map<number, number> | undefined, after: Map<number, number> | undefined): number | undefined {
  if (before === undefined || after === undefined) return undefined;
  let total = 0;
  for (const [pid, seconds] of after) total += seconds - (before.get(pid) ?? 0);
  return total;
}

let gameCounter = 0;

/** Creates `n` fresh games (rows and event 0) from the templates. */
async function createGames(handle: DatabaseHandle, templates: readonly Template[], n: number): Promise<{ id: GameId; template: Template }[]> {
  const out: { id: GameId; template: Template }[] = [];
  for (let i = 0; i < n; i++) {
    const template = templates[i % templates.length];
    if (template === undefined) throw new Error("no templates");
    const id = gameIdFor(`bench-${process.pid}-${Date.now()}-${gameCounter++}`);
    await createGame(handle.db, { created: { ...template.created, gameId: id } });
    out.push({ id, template });
  }
  return out;
}

const newLog = (handle: DatabaseHandle, faults?: EventLogFaults): GroupCommitEventLog =>
  new GroupCommitEventLog(handle.db, { maxBatch: MAX_BATCH, maxWaitMs: MAX_WAIT_MS, maxConcurrentFlushes: FLUSHES, logger: quiet, ...(faults ? { faults } : {}) });

/** Times every flush's INSERT round trip through the event log's fault hooks (which never throw here). */
function insertTimer(): { faults: EventLogFaults; samples: number[] } {
  const started = new WeakMap<FlushAttempt, number>();
  const samples: number[] = [];
  return {
    samples,
    faults: {
      beforeInsert: (a) => void started.set(a, performance.now()),
      afterInsert: (a) => void samples.push(performance.now() - (started.get(a) ?? NaN)),
    },
  };
}

/** Closed loop, every game writing its whole log: committed events per second. */
async function saturation(
  handle: DatabaseHandle,
  templates: readonly Template[],
): Promise<{ eps: number; events: number; seconds: number; cpuSeconds: number; serverCpuSeconds: number | undefined }> {
  const gamesToRun = await createGames(handle, templates, SAT_GAMES);
  const log = newLog(handle);
  let events = 0;
  const serverBefore = await backendCpu(handle);
  const cpu = process.cpuUsage();
  const start = performance.now();
  await Promise.all(
    gamesToRun.map(async ({ id, template }) => {
      for (const chunk of template.chunks) {
        await log.append(id, chunk);
        events += chunk.length;
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  const serverCpuSeconds = cpuBetween(serverBefore, await backendCpu(handle));
  await log.close();
  return { eps: events / seconds, events, seconds, cpuSeconds: (used.user + used.system) / 1e6, serverCpuSeconds };
}

/** Open loop at RATE events/s: latency from scheduled send to commit. */
interface LatencyResult {
  readonly p50: number;
  readonly p99: number;
  readonly offered: number;
  readonly appends: number;
  /** Flushes, and their INSERT round trip (send to commit acknowledged) p50/p99 in ms. */
  readonly flushes: number;
  readonly insertP50: number;
  readonly insertP99: number;
  /** Event-loop lag of this process (a 1 ms interval's overshoot) p99 in ms. */
  readonly loopLagP99: number;
}

async function latency(handle: DatabaseHandle, templates: readonly Template[]): Promise<LatencyResult> {
  const gamesToRun = await createGames(handle, templates, LAT_GAMES);
  const timer = insertTimer();
  const log = newLog(handle, timer.faults);
  const lag: number[] = [];
  let tick = performance.now();
  const lagProbe = setInterval(() => {
    const now = performance.now();
    lag.push(now - tick - 1);
    tick = now;
  }, 1);
  const cursors = gamesToRun.map(() => 0);
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  const start = performance.now();
  const end = start + LAT_SECONDS * 1000;
  let eventsSent = 0;
  let g = 0;
  // Appends are scheduled at the times that keep the offered rate exact; the loop wakes every
  // millisecond or so and sends whatever is due (timer jitter does not lower the rate).
  while (performance.now() < end) {
    const due = ((performance.now() - start) / 1000) * RATE;
    while (eventsSent < due) {
      const game = gamesToRun[g % gamesToRun.length];
      const gi = g % gamesToRun.length;
      g++;
      if (game === undefined) break;
      const chunk = game.template.chunks[(cursors[gi] ?? 0) % game.template.chunks.length] ?? [];
      cursors[gi] = (cursors[gi] ?? 0) + 1;
      const scheduledAt = start + (eventsSent / RATE) * 1000;
      eventsSent += chunk.length;
      pending.push(
        log.append(game.id, chunk).then(() => {
          latencies.push(performance.now() - scheduledAt);
        }),
      );
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.all(pending);
  await log.close();
  clearInterval(lagProbe);
  const offered = eventsSent / LAT_SECONDS;
  latencies.sort((a, b) => a - b);
  const inserts = [...timer.samples].sort((a, b) => a - b);
  lag.sort((a, b) => a - b);
  return {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    offered,
    appends: latencies.length,
    flushes: inserts.length,
    insertP50: percentile(inserts, 50),
    insertP99: percentile(inserts, 99),
    loopLagP99: percentile(lag, 99),
  };
}

async function main(): Promise<void> {
  const admin = process.env["DATABASE_URL"];
  let scratch: ScratchDatabase | undefined;
  let handle: DatabaseHandle;
  if (admin === undefined || admin === "") {
    console.log("DATABASE_URL is not set: running on in-memory PGlite. The targets are for PostgreSQL.");
    handle = await createDatabase({ pgliteDir: PGLITE_MEMORY });
  } else {
    scratch = await createScratchDatabase(admin, "pzo_bench");
    handle = await createDatabase({ url: scratch.url, maxConnections: Math.max(4, FLUSHES + 2) });
  }
  try {
    await migrate(handle);
    const version = await handle.db.select({ v: sql<string>`version()` }).from(sql`(select 1) as one`);
    const occupants = await createOccupants(handle.db, "bench", 4, 1);
    const templates: Template[] = [];
    for (let i = 0; i < 8; i++) {
      const played = playGame(`bench-template-${i}`, occupants);
      const [created, ...rest] = played.events;
      if (created?.type !== "game_created") throw new Error("template without game_created");
      templates.push({ created, chunks: chunkEvents(rest, `bench-${i}`) });
    }
    const eventsPerGame = templates.reduce((n, t) => n + t.chunks.flat().length, 0) / templates.length;
    console.log(`event log bench on ${handle.kind}${scratch ? ` (database ${scratch.name})` : ""}: ${(version[0]?.v ?? "").split(",")[0]}`);
    console.log(`  group commit: maxBatch ${MAX_BATCH}, maxWaitMs ${MAX_WAIT_MS}, flushes in flight ${FLUSHES}; ~${Math.round(eventsPerGame)} events per game, 1-3 per append`);
    console.log(`  load average at start: ${loadavg().map((l) => l.toFixed(2)).join(" ")} (shared machine)`);

    // Warm-up: connections, plans, caches.
    await latencyWarmup(handle, templates);

    const sat: number[] = [];
    const cpuPerEvent: number[] = [];
    for (let r = 1; r <= RUNS; r++) {
      const s = await saturation(handle, templates);
      sat.push(s.eps);
      const server = s.serverCpuSeconds === undefined ? "server CPU n/a" : `server CPU ${s.serverCpuSeconds.toFixed(2)} s`;
      if (s.serverCpuSeconds !== undefined) cpuPerEvent.push((s.serverCpuSeconds + s.cpuSeconds) / s.events);
      console.log(`  saturation run ${r}: ${SAT_GAMES} games, ${s.events} events in ${s.seconds.toFixed(2)} s = ${Math.round(s.eps)} events/s (bench CPU ${s.cpuSeconds.toFixed(2)} s, ${server})`);
    }
    const p50s: number[] = [];
    const p99s: number[] = [];
    for (let r = 1; r <= RUNS; r++) {
      const l = await latency(handle, templates);
      p50s.push(l.p50);
      p99s.push(l.p99);
      console.log(`  latency run ${r}: offered ${Math.round(l.offered)} events/s over ${LAT_GAMES} games for ${LAT_SECONDS} s (${l.appends} appends): p50 ${l.p50.toFixed(2)} ms, p99 ${l.p99.toFixed(2)} ms`);
      console.log(`    of which: ${l.flushes} flushes, INSERT round trip p50 ${l.insertP50.toFixed(2)} ms, p99 ${l.insertP99.toFixed(2)} ms; bench event-loop lag p99 ${l.loopLagP99.toFixed(2)} ms`);
    }
    const eps = median(sat);
    const p50 = median(p50s);
    const p99 = median(p99s);
    console.log("");
    console.log(`RESULT durable events/s at saturation (median of ${RUNS}): ${Math.round(eps)}  [target >= ${TARGET_EPS}: ${eps >= TARGET_EPS ? "met" : "NOT met"}]`);
    console.log(`RESULT commit latency at ${RATE} events/s offered (median of ${RUNS}): p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms  [target p99 <= ${TARGET_P99_MS} ms: ${p99 <= TARGET_P99_MS ? "met" : "NOT met"}]`);
    if (cpuPerEvent.length > 0) {
      const us = median(cpuPerEvent) * 1e6;
      console.log(`CPU cost per durable event at saturation (median, server backends + bench process): ${us.toFixed(1)} µs, i.e. ${Math.round(1e6 / us)} events/s per fully available core`);
    }
    console.log(`  load average at end: ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  } finally {
    await handle.close();
    await scratch?.drop();
  }
}

/** A short paced run to warm connections and plans before measuring. */
async function latencyWarmup(handle: DatabaseHandle, templates: readonly Template[]): Promise<void> {
  const [game] = await createGames(handle, templates, 1);
  if (game === undefined) return;
  const log = newLog(handle);
  await Promise.all(game.template.chunks.slice(0, 50).map((c) => log.append(game.id, c)));
  await log.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
