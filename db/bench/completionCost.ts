/**
 * What Season 0's completion participants (`leaderboard_events`, `achievements`) add to a game's
 * completion: the same fixture games completed with the built-in participants only, with them
 * plus `leaderboard_events` (achievements OFF), and with both Season 0 participants wired as the
 * server wires them (achievements ON: the read returned by the lifetime-stats upsert), rotating
 * variant by variant game by game on one database, each `complete()` timed. Printed by `npm run
 * bench:eventlog` after its own figures (`RUNS=0` prints only this; `BENCH_COMPLETION_GAMES`
 * games per variant, default 200). The target (issue 14): achievements ON costs no more than 10%
 * extra completion latency over OFF, p50; printed for every game and for the games that unlocked
 * nothing, with p99 beside it.
 */
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import type { Database } from "../client.js";
import { achievementsCompletion } from "../achievements.js";
import { createGameCompletion } from "../completion.js";
import { createGame, markStarted } from "../games.js";
import { leaderboardEventsParticipant } from "../leaderboardEvents.js";
import { createOccupants, playGame } from "../testing/fixtures.js";
import { register, type FinishedGame } from "../../src/completion/pipeline.js";
import { lifetimeDeltas, summarize } from "../../src/game/index.js";

const quiet = { error: () => undefined };

function pct(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

type Variant = "builtIn" | "leaderboard" | "achievements";
const VARIANTS: readonly Variant[] = ["builtIn", "leaderboard", "achievements"];

/** Completes `games` fixture games per variant (rotating) and prints p50/p99/mean of each and the extra latency. */
export async function measureCompletionCost(db: Database, games = 200): Promise<void> {
  const seats = await createOccupants(db, `completion-cost-${Date.now()}`, 8, 2);
  const humans = seats.filter((s) => !s.isBot);
  const bots = seats.filter((s) => s.isBot);
  type Options = Parameters<typeof createGameCompletion>[1];
  const completion = (participants: Options["participants"], withLifetimeStats: Options["withLifetimeStats"] = []) =>
    createGameCompletion(db, { onLadderChanges: () => Promise.resolve(), participants, withLifetimeStats, logger: quiet });
  let unlocked = 0;
  // Wired as the server wires it (src/app/server.ts): the read is returned by the lifetime-stats upsert.
  const achievements = achievementsCompletion((unlocks) => {
    unlocked += unlocks.length;
    return Promise.resolve();
  });
  const pipelines: Record<Variant, ReturnType<typeof createGameCompletion>> = {
    builtIn: completion([]),
    leaderboard: completion([register(leaderboardEventsParticipant)]),
    achievements: completion([register(leaderboardEventsParticipant), register(achievements.participant)], [achievements.readWithLifetimeStats]),
  };
  // Completions with achievements that unlocked nothing (the steady state: most games), timed apart.
  const quietTimes: number[] = [];
  let unlocking = 0;
  const times: Record<Variant, number[]> = { builtIn: [], leaderboard: [], achievements: [] };
  const load0 = loadavg()[0] ?? 0;
  for (let i = 0; i < games * VARIANTS.length; i++) {
    // Three humans and a bot, rotating, so stats and unlocks accumulate as in real play.
    const table = [humans[i % humans.length]!, humans[(i + 1) % humans.length]!, humans[(i + 2) % humans.length]!, bots[i % bots.length]!];
    const played = playGame(`completion-cost:${Date.now()}:${i}`, table);
    const created = played.events[0];
    if (created?.type !== "game_created") throw new Error("fixture: no game_created");
    await createGame(db, { created });
    await markStarted(db, played.gameId, new Date());
    const game: FinishedGame = { gameId: played.gameId, completedAt: new Date(), summary: summarize(played.state), deltas: lifetimeDeltas(played.state) };
    const variant = VARIANTS[i % VARIANTS.length] ?? "builtIn";
    const before = unlocked;
    const t0 = performance.now();
    await pipelines[variant].complete(game);
    const ms = performance.now() - t0;
    times[variant].push(ms);
    if (variant === "achievements") {
      if (unlocked === before) quietTimes.push(ms);
      else unlocking++;
    }
  }
  const load1 = loadavg()[0] ?? 0;
  const stats = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return { p50: pct(s, 50), p99: pct(s, 99), mean: xs.reduce((a, b) => a + b, 0) / xs.length };
  };
  const [a, l, b, q] = [stats(times.builtIn), stats(times.leaderboard), stats(times.achievements), stats(quietTimes)];
  const extra = (x: number, over: number) => (x / over - 1) * 100;
  const f = (x: number) => x.toFixed(2);
  const p = (x: number) => `${x >= 0 ? "+" : ""}${x.toFixed(1)}%`;
  const vsOff = (x: { p50: number; p99: number; mean: number }) => `p50 ${f(x.p50)} ms (${p(extra(x.p50, l.p50))}), p99 ${f(x.p99)} ms (${p(extra(x.p99, l.p99))}), mean ${f(x.mean)} ms (${p(extra(x.mean, l.mean))})`;
  const everyGame = extra(b.p50, l.p50);
  const nothingUnlocks = extra(q.p50, l.p50);
  const verdict = (x: number) => `[target p50 <= 10%: ${x <= 10 ? "met" : "NOT met"}]`;
  console.log("");
  console.log(`completion latency, ${games} games per variant, rotating on one database (4 seats: 3 of ${humans.length} humans, 1 bot); load average ${load0.toFixed(2)} before, ${load1.toFixed(2)} after:`);
  console.log(`  built-in participants only (reference):      p50 ${f(a.p50)} ms, p99 ${f(a.p99)} ms, mean ${f(a.mean)} ms`);
  console.log(`  achievements OFF (+ leaderboard_events):      p50 ${f(l.p50)} ms, p99 ${f(l.p99)} ms, mean ${f(l.mean)} ms`);
  console.log(`  achievements ON, every game (${times.achievements.length}):            ${vsOff(b)}`);
  console.log(`  achievements ON, games that unlocked nothing (${quietTimes.length}): ${vsOff(q)}`);
  console.log(
    `  (${unlocking} of ${times.achievements.length} ON completions unlocked ${unlocked} achievements, each a row, a reward transfer and an event: ` +
      `this bench's few fresh players unlock far more often than steady play; p99 of ${games} samples is close to their maximum)`,
  );
  console.log(`RESULT achievements' extra completion latency, every game (ON vs OFF): p50 ${p(everyGame)}, p99 ${p(extra(b.p99, l.p99))}  ${verdict(everyGame)}`);
  console.log(`RESULT achievements' extra completion latency, nothing unlocks (ON vs OFF): p50 ${p(nothingUnlocks)}, p99 ${p(extra(q.p99, l.p99))}  ${verdict(nothingUnlocks)}`);
}
