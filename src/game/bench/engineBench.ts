/**
 * `npm run bench:engine`: full 4-seat games, the house bot (`smartPolicy`) in every seat, each
 * move through `viewFor` -> policy -> `decide` -> `evolve` (the same path a room takes, minus
 * I/O). One warm-up run, then 5 timed runs on one thread; prints the median games/s and events/s
 * by wall clock and per CPU second, with the load average before and after.
 *
 * "Per core" is the CPU-second figure: games divided by the CPU time the process used
 * (`process.cpuUsage`: every thread, so V8's garbage-collector and compiler helper threads count
 * too, which makes it the conservative figure). The main thread's own CPU time
 * (`process.threadCpuUsage`) is printed beside it. Wall clock is lower whenever other processes
 * share the cores. On a loaded machine, CPU seconds still stretch (shared caches, hyperthreads),
 * so compare figures taken back to back at a similar load.
 * Game i uses session seed sha256("pzo:bench:<i>"); the seeds are made before the clock starts.
 */
import { sha256Hex, simulateGame, type GameId, type PlayerId } from "../index.js";
import { loadavg } from "node:os";
import { smartPolicy } from "../../bots/policy.js";

const GAMES_PER_RUN = Number(process.argv[2] ?? 2000);
const RUNS = 5;
const SEATS = 4;
/** The figure issue 17 holds the engine to: full games per CPU second on one core. */
const TARGET_PER_CORE = 2000;

const players = Array.from({ length: SEATS }, (_, s) => ({
  playerId: `bench-bot-${s}` as PlayerId,
  displayName: `bench bot ${s}`,
  isBot: true,
}));
const policies = players.map(() => smartPolicy);
const seeds = Array.from({ length: GAMES_PER_RUN }, (_, i) => sha256Hex(`pzo:bench:${i}`));

function run(): { seconds: number; cpuSeconds: number; threadSeconds: number; events: number } {
  let events = 0;
  const started = performance.now();
  const cpu = process.cpuUsage();
  const thread = process.threadCpuUsage();
  for (let i = 0; i < GAMES_PER_RUN; i++) {
    const game = simulateGame({
      gameId: `bench-${i}` as GameId,
      config: { seats: SEATS, turnSeconds: 30 },
      sessionSeed: seeds[i] ?? "",
      players,
      policies,
    });
    events += game.events.length;
  }
  const used = process.cpuUsage(cpu);
  const usedByThread = process.threadCpuUsage(thread);
  return {
    seconds: (performance.now() - started) / 1000,
    cpuSeconds: (used.user + used.system) / 1e6,
    threadSeconds: (usedByThread.user + usedByThread.system) / 1e6,
    events,
  };
}

const median = (xs: number[]): number => {
  const sorted = xs.slice().sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};
const fmt = (x: number): string => Math.round(x).toLocaleString("en-US");

const load = (): string => loadavg().map((x) => x.toFixed(2)).join(" ");
const loadBefore = load();
run(); // warm-up: let the JIT settle
const wall = { games: [] as number[], events: [] as number[] };
const cpu = { games: [] as number[], events: [] as number[] };
const thread = [] as number[];
let eventsPerGame = 0;
for (let r = 1; r <= RUNS; r++) {
  const { seconds, cpuSeconds, threadSeconds, events } = run();
  wall.games.push(GAMES_PER_RUN / seconds);
  wall.events.push(events / seconds);
  cpu.games.push(GAMES_PER_RUN / cpuSeconds);
  cpu.events.push(events / cpuSeconds);
  thread.push(GAMES_PER_RUN / threadSeconds);
  eventsPerGame = events / GAMES_PER_RUN;
  console.log(
    `run ${r}/${RUNS}: ${GAMES_PER_RUN} games, ${fmt(events)} events in ${seconds.toFixed(3)} s wall, ${cpuSeconds.toFixed(3)} s CPU ` +
      `(${threadSeconds.toFixed(3)} s main thread): ${fmt(GAMES_PER_RUN / cpuSeconds)} games/s per CPU second, ${fmt(GAMES_PER_RUN / seconds)} by wall clock`,
  );
}
const perCore = median(cpu.games);
console.log(`bench:engine: Node ${process.version}, ${SEATS} seats, smartPolicy in every seat, ${eventsPerGame.toFixed(1)} events/game, one thread`);
console.log(`  load average (1, 5, 15 min): ${loadBefore} before, ${load()} after`);
console.log(`  median of ${RUNS} runs, per CPU second:   ${fmt(perCore)} games/s, ${fmt(median(cpu.events))} events/s (all threads of the process)`);
console.log(`  median of ${RUNS} runs, main thread CPU:  ${fmt(median(thread))} games/s`);
console.log(`  median of ${RUNS} runs, wall clock:       ${fmt(median(wall.games))} games/s, ${fmt(median(wall.events))} events/s`);
console.log(
  `  target: >= ${fmt(TARGET_PER_CORE)} games/s per core (per CPU second): ${perCore >= TARGET_PER_CORE ? "met" : "NOT met"}` +
    " (wall clock is lower when other processes share the cores)",
);
