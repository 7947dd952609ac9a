/** The fairness check: anyone can verify a finished game from its public event log. */
import { dealRound } from "./deal.js";
import { evolve } from "./evolve.js";
import { isSessionSeed, seedCommitment, type HashHex } from "./seedCommitment.js";
import { sha256Hex } from "./sha256.js";
import type { GameEvent, GameState } from "./types.js";

/** The verdict of `verifyGame`. */
export type VerifyResult = { readonly ok: true } | { readonly ok: false; readonly problems: readonly string[] };

/**
 * Verifies a game's log (event index = position in `events`):
 * 1. index 0 is `game_created`; the seed is the one revealed by `game_completed` (or, for a
 *    server-side log, the one in `game_created`; both must agree), and its SHA-256 must equal
 *    the commitment published in `game_created`;
 * 2. every `round_started` equals the deal recomputed from the seed (dealer, every hand card by
 *    card in deal order, trump card);
 * 3. the log folds cleanly: every event fits the rules (`evolve` accepts it).
 * `hash` may be injected and must compute SHA-256 as lowercase hex.
 */
export function verifyGame(events: readonly GameEvent[], hash: HashHex = sha256Hex): VerifyResult {
  const problems: string[] = [];
  const first = events[0];
  if (first?.type !== "game_created") {
    return { ok: false, problems: ["event 0 must be game_created"] };
  }
  const seats = first.config.seats;
  const last = events[events.length - 1];
  const revealed = last?.type === "game_completed" ? last.sessionSeed : "";
  if (revealed !== "" && first.sessionSeed !== "" && revealed !== first.sessionSeed) {
    problems.push("the revealed seed differs from the seed in game_created");
  }
  const seed = revealed !== "" ? revealed : first.sessionSeed;
  if (seed === "") {
    problems.push("no seed to check: the game is not completed (the seed is revealed by game_completed)");
  } else if (!isSessionSeed(seed)) {
    problems.push("the seed is not 64 lowercase hex chars");
  } else if (seedCommitment(seed, hash) !== first.seedCommitment) {
    problems.push("the seed does not match the commitment in game_created");
  }

  if (problems.length === 0) {
    events.forEach((event, index) => {
      if (event.type !== "round_started") return;
      let deal;
      try {
        deal = dealRound(seed, event.round, seats);
      } catch (error) {
        problems.push(`event ${index} (round_started): ${(error as Error).message}`);
        return;
      }
      const where = `event ${index} (round_started, round ${event.round})`;
      if (event.dealer !== deal.dealer) problems.push(`${where}: dealer ${event.dealer}, the seed says ${deal.dealer}`);
      if (event.trumpCard !== deal.trumpCard) problems.push(`${where}: trump ${event.trumpCard}, the seed says ${deal.trumpCard}`);
      if (event.hands.length !== deal.hands.length) problems.push(`${where}: ${event.hands.length} hands, expected ${deal.hands.length}`);
      deal.hands.forEach((hand, seat) => {
        const logged = event.hands[seat] ?? [];
        if (logged.length !== hand.length || hand.some((card, i) => logged[i] !== card)) {
          problems.push(`${where}: seat ${seat}'s hand differs from the deal the seed gives`);
        }
      });
    });
  }

  let state: GameState | null = null;
  for (let index = 0; index < events.length; index++) {
    try {
      state = evolve(state, events[index] as GameEvent);
    } catch (error) {
      problems.push(`the log does not fold: ${(error as Error).message}`);
      break;
    }
  }
  return problems.length === 0 ? { ok: true } : { ok: false, problems };
}
