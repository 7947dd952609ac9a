/**
 * What the load harness's coordinator (run.ts) and its worker processes (worker.ts) tell each
 * other over the child-process IPC channel, and the statistics both use.
 */
import { readFileSync } from "node:fs";
import type { Histogram } from "node:perf_hooks";
import { z } from "zod";

/** The job a worker gets: tables `[firstTable, firstTable + tableCount)` of `seats` each. */
export const workerJobSchema = z.object({
  type: z.literal("job"),
  worker: z.number().int().min(0),
  endpoint: z.string(),
  firstTable: z.number().int().min(0),
  tableCount: z.number().int().min(0),
  seats: z.number().int().min(3).max(5),
  turnSeconds: z.number(),
  thinkMinMs: z.number().min(0),
  thinkMaxMs: z.number().min(0),
  /** Tables of the whole run (all workers) and the window their starts are spread over, ms. */
  totalTables: z.number().int().min(1),
  rampMs: z.number().min(0),
  /** Epoch ms at which the ramp starts (the same instant for every worker). */
  rampStartAt: z.number(),
  /** Epoch ms after which the worker stops waiting for games and reports. */
  deadline: z.number(),
  /**
   * Log the clients in as unranked guests (docs/LADDER.md, L8): true against someone else's
   * server (`--url`); false on the harness's own server, whose lobby delay needs ladder deltas.
   */
  unranked: z.boolean(),
});
export type WorkerJob = z.infer<typeof workerJobSchema>;

/** Event-loop delay of one process over the run, ms (perf_hooks.monitorEventLoopDelay). */
export const loopDelaySchema = z.object({ p50: z.number(), p99: z.number(), max: z.number(), mean: z.number(), utilization: z.number().optional() });
export type LoopDelay = z.infer<typeof loopDelaySchema>;

/** One table as a worker saw it. */
export const tableReportSchema = z.object({
  gameId: z.string(),
  completed: z.boolean(),
  /** Highest event index any client at the table was shown (-1: none). */
  seenMax: z.number().int(),
});
export type TableReport = z.infer<typeof tableReportSchema>;

/** A worker's final report: raw samples, so the coordinator computes percentiles over all of them. */
export const workerReportSchema = z.object({
  type: z.literal("report"),
  worker: z.number().int(),
  connected: z.number().int(),
  connectFailures: z.number().int(),
  failureSample: z.string().nullable(),
  /** Move round trips (send -> the client's own state shows the move), ms. */
  roundTrips: z.array(z.number()),
  /** Epoch ms of the first move sent and of the last move seen. */
  firstMoveAt: z.number().nullable(),
  lastMoveAt: z.number().nullable(),
  timedOut: z.boolean(),
  tables: z.array(tableReportSchema),
  loopDelay: loopDelaySchema,
  /** CPU the worker process used (user + system), seconds, and over how many seconds of its life. */
  cpuSeconds: z.number(),
  wallSeconds: z.number(),
  /** The worker's main thread, from /proc/self/schedstat ("" where there is none). */
  sched: z.string(),
});
export type WorkerReport = z.infer<typeof workerReportSchema>;

/** A worker's progress line (sent every few seconds). */
export const workerProgressSchema = z.object({ type: z.literal("progress"), worker: z.number().int(), connected: z.number().int(), moves: z.number().int() });

/** Anything a worker sends. */
export const workerMessageSchema = z.discriminatedUnion("type", [workerReportSchema, workerProgressSchema]);

/**
 * A thread's scheduler figures from Linux `/proc/<pid>/schedstat`: seconds on a CPU and seconds
 * runnable but waiting for one (run queue). Null where the file does not exist.
 */
export function schedstat(pid: number | "self"): { onCpu: number; waiting: number } | null {
  try {
    const [onCpu, waiting] = readFileSync(`/proc/${pid}/schedstat`, "utf8").trim().split(/\s+/).map(Number);
    return onCpu === undefined || waiting === undefined ? null : { onCpu: onCpu / 1e9, waiting: waiting / 1e9 };
  } catch {
    return null;
  }
}

/** `on a CPU 12.3 s, waiting for a CPU 4.5 s` between two readings. */
export function formatSched(a: { onCpu: number; waiting: number } | null, b: { onCpu: number; waiting: number } | null): string {
  if (a === null || b === null) return "no /proc schedstat here";
  return `on a CPU ${(b.onCpu - a.onCpu).toFixed(1)} s, runnable but waiting for a CPU ${(b.waiting - a.waiting).toFixed(1)} s`;
}

/** The peak resident set size (`VmHWM`) in a `/proc/<pid>/status` text, bytes; null when absent. */
export function vmHwmBytes(status: string): number | null {
  const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(status);
  return match?.[1] === undefined ? null : Number(match[1]) * 1024;
}

/** A process's peak resident set size since it started (`VmHWM`), bytes; null without /proc. */
export function peakRssBytes(pid: number): number | null {
  try {
    return vmHwmBytes(readFileSync(`/proc/${pid}/status`, "utf8"));
  } catch {
    return null;
  }
}

/** The child processes of `pid` (Linux `/proc/<pid>/task/<pid>/children`; empty without /proc). */
export function childProcessesOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** A reading of a cumulative CPU counter: `cpuSeconds` used up to epoch ms `at`. */
export interface CpuSample {
  readonly at: number;
  readonly cpuSeconds: number;
}

/**
 * CPU seconds used between epoch ms `from` and `to`, reading the cumulative counter at each end
 * by linear interpolation between the samples around it. Null when the samples do not cover both
 * ends (at least one sample at or before `from` and one at or after `to`) or `to < from`.
 */
export function cpuBetween(samples: readonly CpuSample[], from: number, to: number): number | null {
  if (!(to >= from)) return null;
  const sorted = samples.slice().sort((a, b) => a.at - b.at);
  const at = (t: number): number | null => {
    for (let i = 0; i < sorted.length; i++) {
      const b = sorted[i] as CpuSample;
      if (b.at < t) continue;
      if (b.at === t) return b.cpuSeconds;
      const a = sorted[i - 1];
      if (a === undefined) return null;
      return a.cpuSeconds + ((b.cpuSeconds - a.cpuSeconds) * (t - a.at)) / (b.at - a.at);
    }
    return null;
  };
  const start = at(from);
  const end = at(to);
  return start === null || end === null ? null : end - start;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? Number.NaN;
}

/** Sampling interval of the event-loop delay monitors, ms. */
export const LOOP_RESOLUTION_MS = 10;

/**
 * A monitorEventLoopDelay histogram's figures in ms of lag: it records the interval between its
 * timer's runs (ns), i.e. the resolution plus the delay, so the resolution is taken off.
 */
export function loopDelayOf(h: Histogram): LoopDelay {
  const ms = (ns: number): number => (Number.isFinite(ns) ? Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS) : Number.NaN);
  return { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max), mean: ms(h.mean) };
}

/** `p50 1.2 ms, p99 3.4 ms, max 9.9 ms` */
export function formatLoopDelay(d: LoopDelay): string {
  return `p50 ${d.p50.toFixed(1)} ms, p99 ${d.p99.toFixed(1)} ms, max ${d.max.toFixed(1)} ms`;
}

/** Runs `task` for 0..count-1 with at most `limit` in flight. */
export async function pool<T>(count: number, limit: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array<T>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, count) }, async () => {
      while (next < count) {
        const i = next++;
        out[i] = await task(i);
      }
    }),
  );
  return out;
}
