/**
 * The read pace's clock (readPace.ts): every `READ_PACE_WINDOW_MS` the event loop's utilization
 * over the window just ended (perf_hooks `eventLoopUtilization`) adjusts the pace. The timer is
 * unref'd: it never keeps the process alive.
 */
import { performance } from "node:perf_hooks";
import { createReadPacer, READ_PACE_WINDOW_MS, UNPACED, type ReadPacer } from "./readPace.js";

/**
 * A pace keeping the loop near `target` utilization, `batch` reads a turn, adjusted from now on;
 * 0: {@link UNPACED}.
 */
export function startReadPacer(target: number, batch: number): ReadPacer {
  if (target <= 0) return UNPACED;
  const pacer = createReadPacer(target, batch);
  let last = performance.eventLoopUtilization();
  setInterval(() => {
    const now = performance.eventLoopUtilization();
    pacer.observe(performance.eventLoopUtilization(now, last).utilization);
    last = now;
  }, READ_PACE_WINDOW_MS).unref();
  return pacer;
}
