/**
 * Preloaded (`--import`) into the server process the load harness starts: measures that
 * process's event-loop delay with perf_hooks.monitorEventLoopDelay and writes the figures since
 * the last SIGUSR2 (the harness sends one when the run starts) to stderr once a second, as
 * `loadtest-probe {"p50":…,"p99":…,"max":…,"mean":…,"utilization":…}` (ms of lag; the event
 * loop's utilization since then, perf_hooks `eventLoopUtilization`, 0..1), so the harness can tell a
 * server that stalls from a client that does. Not used outside load runs.
 */
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { LOOP_RESOLUTION_MS, loopDelayOf } from "./shared.js";

const histogram = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
histogram.enable();
let since = performance.eventLoopUtilization();
process.on("SIGUSR2", () => {
  histogram.reset();
  since = performance.eventLoopUtilization();
});
setInterval(() => {
  const utilization = performance.eventLoopUtilization(since).utilization;
  process.stderr.write(`loadtest-probe ${JSON.stringify({ ...loopDelayOf(histogram), utilization })}\n`);
}, 1_000).unref();
