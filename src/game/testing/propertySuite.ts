/** The shared body of properties.{3,4,5}-seats.test.ts (test support; not exported by index.ts). */
import fc from "fast-check";
import { expect, it } from "vitest";
import { newRandomGameStats, playRandomGame } from "./randomGames.js";

/**
 * The property suite for one seat count: 700 whole random games (fast-check, fixed and logged
 * seed 12345 + seats), every property checked by `playRandomGame`. One file per seat count calls
 * it, so the three counts run on separate workers.
 */
export function propertySuite(seats: number): void {
  const SEATS = seats;
  const SEED = 12345 + SEATS;
  const GAMES = 700;
  const FULL_FOLD_ONE_GAME_IN = 10;
  const SAMPLED_FOLD_EVERY = 64;

  it(
    `${SEATS} seats, ${GAMES} random games (fast-check seed ${SEED}): every game ends after round 10; every round's tricks sum to r; ` +
      "no card dealt twice in a round; fold(stored log so far) equals the live state after every event " +
      `(fold from scratch at every event in 1 game in ${FULL_FOLD_ONE_GAME_IN}, at every ${SAMPLED_FOLD_EVERY}th event in the rest); ` +
      "no seat or spectator view, and no redacted event, shows another seat's hand or the live seed; " +
      "illegal commands are rejected with their reason code and change nothing; " +
      "verifyGame accepts every honest log and rejects it with one card of one deal changed",
    () => {
      const stats = newRandomGameStats();
      const started = performance.now();
      const cpu = process.cpuUsage();
      let game = 0;
      fc.assert(
        fc.property(
          fc.stringMatching(/^[0-9a-f]{64}$/),
          fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 4, maxLength: 4 }),
          (sessionSeed, moveSeed) => {
            const full = game++ % FULL_FOLD_ONE_GAME_IN === 0;
            playRandomGame({ seats: SEATS, sessionSeed, moveSeed, foldFromScratchEvery: full ? 1 : SAMPLED_FOLD_EVERY }, stats);
          },
        ),
        { seed: SEED, numRuns: GAMES },
      );
      const wall = ((performance.now() - started) / 1000).toFixed(1);
      const cpuSeconds = (process.cpuUsage(cpu).user / 1e6).toFixed(1);
      console.info(
        `property games: ${SEATS} seats, fast-check seed ${SEED}: ${stats.games} games, ${stats.events} events, ` +
          `${stats.foldChecks} stored-log fold checks, ${stats.fullFoldChecks} from-scratch fold checks, ` +
          `${stats.viewsChecked} views and as many redacted events, ${stats.illegalChecked} illegal commands rejected, ` +
          `${stats.tamperedRejected} tampered logs rejected; ${wall} s (${cpuSeconds} s CPU)`,
      );
      expect(stats.games).toBe(GAMES);
      expect(stats.foldChecks).toBe(stats.events);
      expect(stats.tamperedRejected).toBe(GAMES);
    },
    600_000, // a few tens of seconds of CPU; generous for a loaded machine
  );
}
