/**
 * `npm run bench:engine`: full 4-seat games, the house bot (`smartPolicy`) in every seat, each
 * move through `viewFor` -> policy -> `decide` -> `evolve` (the same path a room takes, minus
 * I/O). One warm-up run, then 5 timed runs on one thread; prints the median games/s and events/s,
 * by wall clock and per CPU second (the two differ when other processes share the cores).
 * Game i uses session seed sha256("pzo:bench:<i>"); the seeds are made before the clock starts.
 */
import { sha256Hex, simulateGame, type GameId, type PlayerId } from "../index.js";
import { smartPolicy } from "../../bots/policy.js";

const GAMES_PER_RUN = Number(process.argv[2] ?? 2000);
const RUNS = 5;
const SEATS = 4;

const players = Array.from({ length: SEATS }, (_, s) => ({
  playerId: `bench-bot-${s}` as PlayerId,
  displayName: `bench bot ${s}`,
  isBot: true,
}));
const policies = players.map(() => smartPolicy);
const seeds = Array.from({ length: GAMES_PER_RUN }, (_, i) => sha256Hex(`pzo:bench:${i}`));

function run(): { seconds: number; cpuSeconds: number; events: number } {
  let events = 0;
  const started = performance.now();
  const cpu = process.cpuUsage();
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
  return { seconds: (performance.now() - started) / 1000, cpuSeconds: (used.user + used.system) / 1e6, events };
}

const median = (xs: number[]): number => {
  const sorted = xs.slice().sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};
const fmt = (x: number): string => Math.round(x).toLocaleString("en-US");

run(); // warm-up: let the JIT settle
const wall = { games: [] as number[], events: [] as number[] };
const cpu = { games: [] as number[], events: [] as number[] };
let eventsPerGame = 0;
for (let r = 1; r <= RUNS; r++) {
  const { seconds, cpuSeconds, events } = run();
  wall.games.push(GAMES_PER_RUN / seconds);
  wall.events.push(events / seconds);
  cpu.games.push(GAMES_PER_RUN / cpuSeconds);
  cpu.events.push(events / cpuSeconds);
  eventsPerGame = events / GAMES_PER_RUN;
  console.log(
    `run ${r}/${RUNS}: ${GAMES_PER_RUN} games, ${fmt(events)} events in ${seconds.toFixed(3)} s wall (${cpuSeconds.toFixed(3)} s CPU): ` +
      `${fmt(GAMES_PER_RUN / seconds)} games/s, ${fmt(events / seconds)} events/s`,
  );
}
console.log(`bench:engine: Node ${process.version}, ${SEATS} seats, smartPolicy in every seat, ${eventsPerGame.toFixed(1)} events/game, one thread`);
console.log(`  median of ${RUNS} runs, wall clock:       ${fmt(median(wall.games))} games/s, ${fmt(median(wall.events))} events/s`);
console.log(`  median of ${RUNS} runs, per CPU second:   ${fmt(median(cpu.games))} games/s, ${fmt(median(cpu.events))} events/s`);
console.log(`  target: >= 1,000 games/s on one core (wall clock is lower when other processes share the cores)`);
