/**
 * What Season 0's completion participants (`leaderboard_events`, `achievements`) add to a game's
 * completion: the same fixture games completed with the built-in participants only, and with
 * them plus the Season 0 ones, alternating game by game on one database, each `complete()`
 * timed. Printed by `npm run bench:eventlog` after its own figures. The target: no more than 10%
 * extra completion latency.
 */
import { performance } from "node:perf_hooks";
import type { Database } from "../client.js";
import { achievementsParticipant } from "../achievements.js";
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

/** Completes `games` fixture games per variant (alternating) and prints p50/p99/mean of each and their ratio. */
export async function measureCompletionCost(db: Database, games = 60): Promise<void> {
  const seats = await createOccupants(db, `completion-cost-${Date.now()}`, 8, 2);
  const humans = seats.filter((s) => !s.isBot);
  const bots = seats.filter((s) => s.isBot);
  const plain = createGameCompletion(db, { onLadderChanges: () => Promise.resolve(), logger: quiet });
  const season = createGameCompletion(db, {
    onLadderChanges: () => Promise.resolve(),
    participants: [register(leaderboardEventsParticipant), register(achievementsParticipant(() => Promise.resolve()))],
    logger: quiet,
  });
  const times: { plain: number[]; season: number[] } = { plain: [], season: [] };
  for (let i = 0; i < games * 2; i++) {
    // Three humans and a bot, rotating, so stats and unlocks accumulate as in real play.
    const table = [humans[i % humans.length]!, humans[(i + 1) % humans.length]!, humans[(i + 2) % humans.length]!, bots[i % bots.length]!];
    const played = playGame(`completion-cost:${Date.now()}:${i}`, table);
    const created = played.events[0];
    if (created?.type !== "game_created") throw new Error("fixture: no game_created");
    await createGame(db, { created });
    await markStarted(db, played.gameId, new Date());
    const game: FinishedGame = { gameId: played.gameId, completedAt: new Date(), summary: summarize(played.state), deltas: lifetimeDeltas(played.state) };
    const variant = i % 2 === 0 ? "plain" : "season";
    const t0 = performance.now();
    await (variant === "plain" ? plain : season).complete(game);
    times[variant].push(performance.now() - t0);
  }
  const stats = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return { p50: pct(s, 50), p99: pct(s, 99), mean: xs.reduce((a, b) => a + b, 0) / xs.length };
  };
  const a = stats(times.plain);
  const b = stats(times.season);
  const extra = (b.p50 / a.p50 - 1) * 100;
  const f = (x: number) => x.toFixed(2);
  console.log("");
  console.log(`completion latency, ${games} games each, alternating (4 seats: 3 humans, 1 bot):`);
  console.log(`  built-in participants only: p50 ${f(a.p50)} ms, p99 ${f(a.p99)} ms, mean ${f(a.mean)} ms`);
  console.log(`  + leaderboard_events + achievements: p50 ${f(b.p50)} ms, p99 ${f(b.p99)} ms, mean ${f(b.mean)} ms`);
  console.log(`RESULT achievements' extra completion latency (p50): ${extra.toFixed(1)}%  [target <= 10%: ${extra <= 10 ? "met" : "NOT met"}]`);
}
