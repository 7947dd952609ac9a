/**
 * `npm run bench:engine`: full 4-seat games, the house bot (`smartPolicy`) in every seat, each
 * move through `viewFor` -> policy -> `decide` -> `evolve` (the same path a room takes, minus
 * I/O). One warm-up run, then 5 timed runs on one core; prints the median games/s and events/s.
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

function run(): { seconds: number; events: number } {
  let events = 0;
  const started = performance.now();
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
  return { seconds: (performance.now() - started) / 1000, events };
}

const median = (xs: number[]): number => {
  const sorted = xs.slice().sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

run(); // warm-up: let the JIT settle
const gamesPerSecond: number[] = [];
const eventsPerSecond: number[] = [];
let eventsPerGame = 0;
for (let r = 1; r <= RUNS; r++) {
  const { seconds, events } = run();
  gamesPerSecond.push(GAMES_PER_RUN / seconds);
  eventsPerSecond.push(events / seconds);
  eventsPerGame = events / GAMES_PER_RUN;
  console.log(`run ${r}/${RUNS}: ${GAMES_PER_RUN} games in ${seconds.toFixed(3)} s = ${Math.round(GAMES_PER_RUN / seconds)} games/s, ${Math.round(events / seconds)} events/s`);
}
const fmt = (x: number): string => Math.round(x).toLocaleString("en-US");
console.log(`bench:engine (Node ${process.version}, ${SEATS} seats, smartPolicy in every seat, ${eventsPerGame.toFixed(1)} events/game)`);
console.log(`  median of ${RUNS} runs: ${fmt(median(gamesPerSecond))} games/s, ${fmt(median(eventsPerSecond))} events/s (target >= 1,000 games/s)`);
