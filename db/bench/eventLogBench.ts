/**
 * `npm run bench:eventlog`: durable throughput and commit latency of the group-commit event
 * log against PostgreSQL.
 *
 * - Saturation: `SAT_GAMES` games append concurrently, each like a room (one append in flight
 *   per game, awaited before the next), until every game has written its whole log. Reports
 *   committed events per second, the flushes it took, and the CPU per event of the server
 *   backends (read from /proc, so only for a local server) and of this process.
 * - Latency: an open-loop, paced load offers `RATE` events/s spread over `LAT_GAMES` games.
 *   After `LAT_WARMUP_SECONDS` of the same load (unrecorded: every game's first append reads
 *   its MAX(event_index) once, and connections prepare their statements), it records
 *   `LAT_SECONDS`. Each append's latency runs from its scheduled send time to its commit being
 *   seen by the caller (so a stall of the bench is not hidden by the load backing off). Reports
 *   p50 and p99, and splits every append's latency into: pacing (scheduled time to the call of
 *   `append`: the harness's 1 ms wake-ups and its event-loop delays), queued (the call to its
 *   flush's INSERT being sent), INSERT (the flush's round trip, commit included) and settle
 *   (commit acknowledged to the caller's continuation), with the mean of each over the
 *   appends at or above the p99. Also the flushes, the bench's event-loop delay and the CPU
 *   per event at that rate.
 * Each is run `RUNS` times (default 5) and the median is reported.
 *
 * Needs `DATABASE_URL` (an admin connection): the bench creates its own database, migrates it
 * and drops it at the end. Without `DATABASE_URL` it runs on in-memory PGlite and says so (the
 * targets are PostgreSQL's). Knobs (environment): RUNS, SAT_GAMES, RATE, LAT_GAMES,
 * LAT_SECONDS, LAT_WARMUP_SECONDS, EVENTLOG_MAX_BATCH, EVENTLOG_MAX_WAIT_MS, EVENTLOG_FLUSHES,
 * EVENTLOG_IDLE_FLUSH (1 or 0), EVENTLOG_FENCE (1, the default, as the server runs: games owned by
 * the bench's node and the fenced flush, E8; 0: the unfenced flush).
 */
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { sql, type SQL } from "drizzle-orm";
import type { GameEvent, GameId } from "../../src/game/types.js";
import { createDatabase, migrate, PGLITE_MEMORY, type DatabaseHandle } from "../client.js";
import { GroupCommitEventLog, type EventLogFaults, type FlushAttempt, type StorageLogger } from "../eventLog.js";
import { createGame } from "../games.js";
import { createScratchDatabase, type ScratchDatabase } from "../testing/scratchDatabase.js";
import { measureCompletionCost } from "./completionCost.js";
import { chunkEvents, createOccupants, gameIdFor, playGame } from "../testing/fixtures.js";

const num = (name: string, fallback: number): number => {
  const raw = process.env[name];
  const value = raw === undefined || raw === "" ? fallback : Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a non-negative number`);
  return value;
};

const RUNS = num("RUNS", 5);
const SAT_GAMES = num("SAT_GAMES", 400);
const RATE = num("RATE", 5000);
const LAT_GAMES = num("LAT_GAMES", 200);
const LAT_SECONDS = num("LAT_SECONDS", 10);
const LAT_WARMUP_SECONDS = num("LAT_WARMUP_SECONDS", 2);
const MAX_BATCH = num("EVENTLOG_MAX_BATCH", 500);
const MAX_WAIT_MS = num("EVENTLOG_MAX_WAIT_MS", 2);
const FLUSHES = num("EVENTLOG_FLUSHES", 4);
const IDLE_FLUSH = num("EVENTLOG_IDLE_FLUSH", 1) !== 0;
/** The node id the bench's games are owned by and its log is fenced to (EVENTLOG_FENCE=0: none). */
const FENCE_NODE = num("EVENTLOG_FENCE", 1) !== 0 ? "bench-node" : undefined;
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
  const rows = await handle.db.select({ pid: sql<number>`pid`.mapWith(Number) }).from(sql`pg_stat_activity`).where(sql`datname = current_database() and backend_type = 'client backend'`);
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
    await createGame(handle.db, { created: { ...template.created, gameId: id }, ownerNode: FENCE_NODE ?? null });
    out.push({ id, template });
  }
  return out;
}

const newLog = (handle: DatabaseHandle, faults?: EventLogFaults): GroupCommitEventLog =>
  new GroupCommitEventLog(handle.db, { maxBatch: MAX_BATCH, maxWaitMs: MAX_WAIT_MS, maxConcurrentFlushes: FLUSHES, idleFlush: IDLE_FLUSH, logger: quiet, ...(faults ? { faults } : {}), ...(FENCE_NODE === undefined ? {} : { fenceNode: FENCE_NODE }) });

/** One flush attempt as the fault hooks saw it (the hooks never throw here). */
interface FlushSample {
  readonly start: number;
  end: number;
  readonly events: number;
  readonly games: readonly GameId[];
}

/** Records every flush attempt's INSERT round trip (send to commit acknowledged). */
function flushRecorder(): { faults: EventLogFaults; flushes: FlushSample[] } {
  const open = new WeakMap<FlushAttempt, FlushSample>();
  const flushes: FlushSample[] = [];
  return {
    flushes,
    faults: {
      beforeInsert: (a) => {
        const f: FlushSample = { start: performance.now(), end: NaN, events: a.events, games: a.gameIds };
        open.set(a, f);
        flushes.push(f);
      },
      afterInsert: (a) => {
        const f = open.get(a);
        if (f !== undefined) f.end = performance.now();
      },
    },
  };
}

/** What the server did between two readings, cluster-wide (other sessions included). */
interface ServerActivity {
  /** WAL written, in bytes. */
  readonly walBytes: number;
  /** Checkpoints started, and buffers written by the checkpointer. */
  readonly checkpoints: number;
  readonly checkpointBuffers: number;
}

interface ServerMark {
  readonly lsn: string;
  readonly checkpoints: number;
  readonly buffers: number;
}

/** WAL position and checkpoint counters (PostgreSQL 15-16 `pg_stat_bgwriter`, 17+ `pg_stat_checkpointer`). */
async function serverMark(handle: DatabaseHandle): Promise<ServerMark | undefined> {
  if (handle.kind !== "postgres") return undefined;
  const read = async (from: SQL, checkpoints: SQL, buffers: SQL): Promise<ServerMark | undefined> => {
    const [row] = await handle.db
      .select({ lsn: sql<string>`pg_current_wal_lsn()::text`, checkpoints: checkpoints.mapWith(Number), buffers: buffers.mapWith(Number) })
      .from(from);
    return row;
  };
  try {
    return await read(sql`pg_stat_bgwriter`, sql`checkpoints_timed + checkpoints_req`, sql`buffers_checkpoint`);
  } catch {
    return read(sql`pg_stat_checkpointer`, sql`num_timed + num_requested`, sql`buffers_written`).catch(() => undefined);
  }
}

async function activityBetween(handle: DatabaseHandle, before: ServerMark | undefined): Promise<ServerActivity | undefined> {
  const after = await serverMark(handle);
  if (before === undefined || after === undefined) return undefined;
  const [row] = await handle.db.select({ bytes: sql`pg_wal_lsn_diff(${after.lsn}::pg_lsn, ${before.lsn}::pg_lsn)`.mapWith(Number) }).from(sql`(select 1) as one`);
  return { walBytes: row?.bytes ?? NaN, checkpoints: after.checkpoints - before.checkpoints, checkpointBuffers: after.buffers - before.buffers };
}

/** What a measured window cost: CPU of the server backends and of this process, and server activity. */
interface Cost {
  readonly bench: number;
  readonly server: number | undefined;
  readonly activity: ServerActivity | undefined;
}

/** Starts measuring a window's {@link Cost}. */
async function costMeter(handle: DatabaseHandle): Promise<{ stop(): Promise<Cost> }> {
  const mark = await serverMark(handle);
  const server = await backendCpu(handle);
  const own = process.cpuUsage();
  return {
    async stop() {
      const used = process.cpuUsage(own);
      const serverCpu = cpuBetween(server, await backendCpu(handle));
      return { bench: (used.user + used.system) / 1e6, server: serverCpu, activity: await activityBetween(handle, mark) };
    },
  };
}

/** "WAL 812 B per event, 1 checkpoint (3,000 buffers)", or "" when unknown. */
function describeActivity(a: ServerActivity | undefined, events: number): string {
  if (a === undefined) return "";
  return `; cluster-wide: WAL ${Math.round(a.walBytes / events)} B per event, ${a.checkpoints} checkpoint(s) started, ${a.checkpointBuffers} buffers written by the checkpointer`;
}

interface SaturationResult {
  readonly eps: number;
  readonly events: number;
  readonly seconds: number;
  readonly flushes: number;
  readonly cost: Cost;
}

/** Closed loop, every game writing its whole log: committed events per second. */
async function saturation(handle: DatabaseHandle, templates: readonly Template[]): Promise<SaturationResult> {
  const gamesToRun = await createGames(handle, templates, SAT_GAMES);
  const recorder = flushRecorder();
  const log = newLog(handle, recorder.faults);
  let events = 0;
  const meter = await costMeter(handle);
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
  const cost = await meter.stop();
  await log.close();
  return { eps: events / seconds, events, seconds, flushes: recorder.flushes.length, cost };
}

/** p50 and p99 of a sample, in ms. */
interface Quantiles {
  readonly p50: number;
  readonly p99: number;
}

function quantiles(values: number[]): Quantiles {
  values.sort((a, b) => a - b);
  return { p50: percentile(values, 50), p99: percentile(values, 99) };
}

/** Open loop at RATE events/s: latency from scheduled send to commit, and where it went. */
interface LatencyResult {
  readonly latency: Quantiles;
  readonly offered: number;
  readonly appends: number;
  readonly flushes: number;
  readonly flushEvents: number;
  /** Scheduled send to the bench's actual call of append (the harness's pacing). */
  readonly pacing: Quantiles;
  /** append called to its flush's INSERT sent (the wait for the batch; includes a first-use seed). */
  readonly queued: Quantiles;
  /** The INSERT round trip of the append's flush (sent to commit acknowledged). */
  readonly insert: Quantiles;
  /** Commit acknowledged to the append's promise settled in the bench. */
  readonly settle: Quantiles;
  /** Mean of each part over the appends at or above the p99 latency. */
  readonly tail: { readonly pacing: number; readonly queued: number; readonly insert: number; readonly settle: number };
  /** Event-loop delay of this process (beyond a 1 ms timer), p99 and max, in ms. */
  readonly loopLag: { readonly p99: number; readonly max: number };
  readonly cost: Cost | undefined;
}

interface AppendSample {
  readonly gameId: GameId;
  readonly scheduledAt: number;
  readonly sentAt: number;
  resolvedAt: number;
}

async function latency(handle: DatabaseHandle, templates: readonly Template[]): Promise<LatencyResult> {
  const gamesToRun = await createGames(handle, templates, LAT_GAMES);
  const recorder = flushRecorder();
  const log = newLog(handle, recorder.faults);
  const cursors = gamesToRun.map(() => 0);
  const samples: AppendSample[] = [];
  const pending: Promise<void>[] = [];
  // Event-loop delay of this process, sampled every millisecond by libuv (not by a JS timer).
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  let meter: Awaited<ReturnType<typeof costMeter>> | undefined;
  const start = performance.now();
  // The warm-up offers the same load, unrecorded: every game's first append (which reads the
  // game's MAX(event_index) once) and the connections' first statements fall into it.
  const measureFrom = start + LAT_WARMUP_SECONDS * 1000;
  const end = measureFrom + LAT_SECONDS * 1000;
  let eventsSent = 0;
  let measuredEvents = 0;
  let g = 0;
  // Appends are scheduled at the times that keep the offered rate exact; the loop wakes every
  // millisecond or so and sends whatever is due (timer jitter does not lower the rate).
  for (let now = performance.now(); now < end; now = performance.now()) {
    if (meter === undefined && now >= measureFrom) {
      meter = await costMeter(handle);
      loopDelay.enable();
    }
    const due = ((now - start) / 1000) * RATE;
    while (eventsSent < due) {
      const gi = g % gamesToRun.length;
      const game = gamesToRun[gi];
      g++;
      if (game === undefined) break;
      const chunk = game.template.chunks[(cursors[gi] ?? 0) % game.template.chunks.length] ?? [];
      cursors[gi] = (cursors[gi] ?? 0) + 1;
      const scheduledAt = start + (eventsSent / RATE) * 1000;
      eventsSent += chunk.length;
      const sample: AppendSample = { gameId: game.id, scheduledAt, sentAt: performance.now(), resolvedAt: NaN };
      const measured = scheduledAt >= measureFrom;
      if (measured) {
        samples.push(sample);
        measuredEvents += chunk.length;
      }
      pending.push(
        log.append(game.id, chunk).then(() => {
          sample.resolvedAt = performance.now();
        }),
      );
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.all(pending);
  const cost = await meter?.stop();
  loopDelay.disable();
  await log.close();

  // Each append went out in the first flush of its game that started after it was made
  // (a game has one flush in flight at a time and its appends keep their order).
  const flushesOf = new Map<GameId, FlushSample[]>();
  for (const f of recorder.flushes) {
    for (const id of f.games) {
      const list = flushesOf.get(id);
      if (list === undefined) flushesOf.set(id, [f]);
      else list.push(f);
    }
  }
  const nextFlush = new Map<GameId, number>();
  const parts = { total: [] as number[], pacing: [] as number[], queued: [] as number[], insert: [] as number[], settle: [] as number[] };
  const rows: { total: number; pacing: number; queued: number; insert: number; settle: number }[] = [];
  for (const s of samples) {
    const list = flushesOf.get(s.gameId) ?? [];
    let i = nextFlush.get(s.gameId) ?? 0;
    while (i < list.length && (list[i]?.start ?? Infinity) < s.sentAt) i++;
    nextFlush.set(s.gameId, i);
    const f = list[i];
    if (f === undefined) throw new Error("bench: an append without a flush");
    const row = { total: s.resolvedAt - s.scheduledAt, pacing: s.sentAt - s.scheduledAt, queued: f.start - s.sentAt, insert: f.end - f.start, settle: s.resolvedAt - f.end };
    rows.push(row);
    for (const k of ["total", "pacing", "queued", "insert", "settle"] as const) parts[k].push(row[k]);
  }
  const total = quantiles(parts.total);
  const tailRows = rows.filter((r) => r.total >= total.p99);
  const mean = (k: "pacing" | "queued" | "insert" | "settle"): number => tailRows.reduce((n, r) => n + r[k], 0) / tailRows.length;
  const measuredFlushes = recorder.flushes.filter((f) => f.start >= measureFrom);
  return {
    latency: total,
    offered: measuredEvents / LAT_SECONDS,
    appends: samples.length,
    flushes: measuredFlushes.length,
    flushEvents: measuredFlushes.reduce((n, f) => n + f.events, 0),
    pacing: quantiles(parts.pacing),
    queued: quantiles(parts.queued),
    insert: quantiles(parts.insert),
    settle: quantiles(parts.settle),
    tail: { pacing: mean("pacing"), queued: mean("queued"), insert: mean("insert"), settle: mean("settle") },
    // The histogram counts from the intended wake-up, in ns: subtract the 1 ms resolution.
    loopLag: { p99: loopDelay.percentile(99) / 1e6 - 1, max: loopDelay.max / 1e6 - 1 },
    cost,
  };
}

const ms = (x: number): string => x.toFixed(2);
const us = (seconds: number, n: number): string => ((seconds * 1e6) / n).toFixed(1);
const q = (x: Quantiles): string => `${ms(x.p50)}/${ms(x.p99)}`;

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
    console.log(`  group commit: maxBatch ${MAX_BATCH}, maxWaitMs ${MAX_WAIT_MS}, flushes in flight ${FLUSHES}, idle flush ${IDLE_FLUSH ? "on" : "off"}, fence ${FENCE_NODE === undefined ? "off" : "on"}; ~${Math.round(eventsPerGame)} events per game, 1-3 per append`);
    console.log(`  load average at start: ${loadavg().map((l) => l.toFixed(2)).join(" ")} (shared machine)`);

    // Warm-up: connections, plans, caches.
    await latencyWarmup(handle, templates);

    // Latency first: the saturation runs write hundreds of MB of WAL in seconds, and the
    // checkpoint that starts would otherwise run into the latency runs.
    const lat: LatencyResult[] = [];
    for (let r = 1; r <= RUNS; r++) {
      const l = await latency(handle, templates);
      lat.push(l);
      const events = l.offered * LAT_SECONDS;
      const bench = l.cost?.bench ?? NaN;
      const server = l.cost?.server;
      console.log(
        `  latency run ${r}: offered ${Math.round(l.offered)} events/s over ${LAT_GAMES} games for ${LAT_SECONDS} s after ${LAT_WARMUP_SECONDS} s warm-up (${l.appends} appends): ` +
          `p50 ${ms(l.latency.p50)} ms, p99 ${ms(l.latency.p99)} ms`,
      );
      console.log(
        `    parts p50/p99 ms: pacing ${q(l.pacing)}, queued ${q(l.queued)}, INSERT ${q(l.insert)}, settle ${q(l.settle)}; ` +
          `tail (>= p99) mean: pacing ${ms(l.tail.pacing)}, queued ${ms(l.tail.queued)}, INSERT ${ms(l.tail.insert)}, settle ${ms(l.tail.settle)}`,
      );
      console.log(
        `    ${l.flushes} flushes (${(l.flushEvents / l.flushes).toFixed(1)} events, ${(l.appends / l.flushes).toFixed(1)} appends each); ` +
          `bench event-loop delay p99 ${ms(l.loopLag.p99)} ms, max ${ms(l.loopLag.max)} ms`,
      );
      console.log(
        `    CPU per event: ${server === undefined ? "server n/a" : `server ${us(server, events)} µs`}, bench ${us(bench, events)} µs; ` +
          `per flush: ${server === undefined ? "server n/a" : `server ${us(server, l.flushes)} µs`}, bench ${us(bench, l.flushes)} µs` +
          describeActivity(l.cost?.activity, events),
      );
    }
    const sat: number[] = [];
    const satCpu: number[] = [];
    for (let r = 1; r <= RUNS; r++) {
      const s = await saturation(handle, templates);
      sat.push(s.eps);
      const { server, bench } = s.cost;
      if (server !== undefined) satCpu.push((server + bench) / s.events);
      console.log(
        `  saturation run ${r}: ${SAT_GAMES} games, ${s.events} events in ${s.seconds.toFixed(2)} s = ${Math.round(s.eps)} events/s; ` +
          `${s.flushes} flushes (${Math.round(s.events / s.flushes)} events each)`,
      );
      console.log(
        `    CPU per event: ${server === undefined ? "server n/a" : `server ${us(server, s.events)} µs`}, bench ${us(bench, s.events)} µs` +
          describeActivity(s.cost.activity, s.events),
      );
    }
    const eps = median(sat);
    const p50 = median(lat.map((l) => l.latency.p50));
    const p99 = median(lat.map((l) => l.latency.p99));
    const partP99 = (k: "pacing" | "queued" | "insert"): string => ms(median(lat.map((l) => l[k].p99)));
    console.log("");
    if (RUNS === 0) console.log("event-log runs skipped (RUNS=0): no saturation or commit-latency RESULT");
    else console.log(`RESULT durable events/s at saturation (median of ${RUNS}): ${Math.round(eps)}  [target >= ${TARGET_EPS}: ${eps >= TARGET_EPS ? "met" : "NOT met"}]`);
    if (RUNS > 0) console.log(`RESULT commit latency at ${RATE} events/s offered (median of ${RUNS}): p50 ${ms(p50)} ms, p99 ${ms(p99)} ms  [target p99 <= ${TARGET_P99_MS} ms: ${p99 <= TARGET_P99_MS ? "met" : "NOT met"}]`);
    if (RUNS > 0) console.log(`  parts' p99 (median of ${RUNS}): pacing ${partP99("pacing")} ms, queued ${partP99("queued")} ms, INSERT ${partP99("insert")} ms`);
    if (satCpu.length > 0) {
      const perEvent = median(satCpu) * 1e6;
      console.log(`CPU per durable event at saturation (median, server backends + bench process): ${perEvent.toFixed(1)} µs, i.e. ${Math.round(1e6 / perEvent)} events/s per fully available core`);
    }
    const latCpu = lat.flatMap((l) => (l.cost?.server === undefined ? [] : [{ server: l.cost.server, bench: l.cost.bench, events: l.offered * LAT_SECONDS, flushes: l.flushes }]));
    if (latCpu.length > 0) {
      const server = median(latCpu.map((c) => (c.server * 1e6) / c.events));
      const bench = median(latCpu.map((c) => (c.bench * 1e6) / c.events));
      const perFlush = median(latCpu.map((c) => ((c.server + c.bench) * 1e6) / c.flushes));
      console.log(
        `CPU per durable event at ${RATE} events/s offered (median): server ${server.toFixed(1)} µs + bench ${bench.toFixed(1)} µs ` +
          `(${Math.round(perFlush)} µs per flush: at this rate the per-flush cost, a commit each, dominates)`,
      );
    }
    console.log(`  load average at end: ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
    // Season 0: what the achievements completion participant costs a finished game.
    await measureCompletionCost(handle.db, Number(process.env["BENCH_COMPLETION_GAMES"] ?? 200));
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
