/**
 * Preloaded (`--import`) into the server process the load harness starts: measures that
 * process's event-loop delay with perf_hooks.monitorEventLoopDelay and writes the figures since
 * the last SIGUSR2 (the harness sends one when the run starts) to stderr once a second, as
 * `loadtest-probe {"p50":…,"p99":…,"max":…,"mean":…}` (ms of lag), so the harness can tell a
 * server that stalls from a client that does. Not used outside load runs.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { LOOP_RESOLUTION_MS, loopDelayOf } from "./shared.js";

const histogram = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
histogram.enable();
process.on("SIGUSR2", () => histogram.reset());
setInterval(() => process.stderr.write(`loadtest-probe ${JSON.stringify(loopDelayOf(histogram))}\n`), 1_000).unref();
