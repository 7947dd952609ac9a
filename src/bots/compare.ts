/**
 * `npm run bots:compare [games]`: the house bot (`smartPolicy`) against three random-legal bots
 * over 1,000 seeded 4-seat games (by default), rotating the house bot's seat. Prints average
 * scores and win rates. Deterministic: game i uses session seed sha256("pzo:compare:<i>") and
 * the random bots share the rng sfc32(sha256("pzo:compare:random:<i>")).
 */
import { pathToFileURL } from "node:url";
import { seededRandom, sha256Hex, simulateGame, type GameId, type PlayerId, type SeatPolicy } from "../game/index.js";
import { smartPolicy } from "./policy.js";
import { randomPolicy } from "./randomPolicy.js";

/** Totals of a comparison run. */
export interface CompareResult {
  readonly games: number;
  readonly smartAverage: number;
  readonly randomAverage: number;
  /** Share of games the smart bot won (ties on the top total count as wins). */
  readonly smartWinRate: number;
  /** Share of (random bot, game) pairs that won. */
  readonly randomWinRate: number;
  readonly smartExactRate: number;
  readonly randomExactRate: number;
}

/** Plays games `first .. first + games - 1` (4 seats, smart bot in seat `i mod 4`). */
export function comparePolicies(games: number, first = 0): CompareResult {
  const seats = 4;
  let smartScore = 0, randomScore = 0, smartWins = 0, randomWins = 0;
  let smartExact = 0, randomExact = 0, smartRounds = 0, randomRounds = 0;
  for (let i = first; i < first + games; i++) {
    const smartSeat = i % seats;
    const random = randomPolicy(seededRandom(`pzo:compare:random:${i}`));
    const policies: SeatPolicy[] = [];
    for (let s = 0; s < seats; s++) policies.push(s === smartSeat ? smartPolicy : random);
    const { state } = simulateGame({
      gameId: `compare-${i}` as GameId,
      config: { seats, turnSeconds: 30 },
      sessionSeed: sha256Hex(`pzo:compare:${i}`),
      players: policies.map((_, s) => ({ playerId: `bot-${s}` as PlayerId, displayName: `bot ${s}`, isBot: true })),
      policies,
    });
    state.scores.forEach((score, s) => {
      const won = state.winners.includes(s) ? 1 : 0;
      const exact = state.roundResults.filter((r) => r[s]?.misplay === 0).length;
      if (s === smartSeat) {
        smartScore += score; smartWins += won; smartExact += exact; smartRounds += state.roundResults.length;
      } else {
        randomScore += score; randomWins += won; randomExact += exact; randomRounds += state.roundResults.length;
      }
    });
  }
  return {
    games,
    smartAverage: smartScore / games,
    randomAverage: randomScore / (games * (seats - 1)),
    smartWinRate: smartWins / games,
    randomWinRate: randomWins / (games * (seats - 1)),
    smartExactRate: smartExact / smartRounds,
    randomExactRate: randomExact / randomRounds,
  };
}

function main(): void {
  const games = Number(process.argv[2] ?? 1000);
  const started = performance.now();
  const result = comparePolicies(games);
  const seconds = (performance.now() - started) / 1000;
  const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
  console.log(`bots:compare: ${result.games} seeded 4-seat games (${seconds.toFixed(1)} s); smartPolicy in seat (i mod 4), randomPolicy in the other three`);
  console.log(`  average final score   smart ${result.smartAverage.toFixed(2)}   random ${result.randomAverage.toFixed(2)}`);
  console.log(`  win rate (ties count) smart ${pct(result.smartWinRate)}   random ${pct(result.randomWinRate)}   (25% is parity)`);
  console.log(`  exact bids per round  smart ${pct(result.smartExactRate)}   random ${pct(result.randomExactRate)}`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
