/** The fairness check: anyone can verify a finished game from its public event log. */
import { dealRound } from "./deal.js";
import { evolve } from "./evolve.js";
import { dealKeyV2, isClientSeed, serverClientSeedV2, type DealSource } from "./fairness.js";
import { sha256Hex } from "./hash.js";
import { isSessionSeed, seedCommitment, type HashHex } from "./seedCommitment.js";
import type { FairnessScheme, GameCreatedEvent, GameEvent, GameState } from "./types.js";

/** The verdict of `verifyGame`. */
export type VerifyResult = { readonly ok: true } | { readonly ok: false; readonly problems: readonly string[] };

/**
 * Verifies a game's log (event index = position in `events`) under the fairness scheme recorded
 * in `game_created.fairness` (absent: v1). Every problem names the event index it breaks at.
 * 1. index 0 is `game_created`; the seed is the one revealed by `game_completed` (or, for a
 *    server-side log, the one in `game_created`; both must agree), and its SHA-256 must equal
 *    the commitment published in `game_created`;
 * 2. v2 only: every `player_joined` carries a well-formed client seed (a server-drawn one must be
 *    the one the seed derives), and `game_started` lists exactly the seeds the seats joined with;
 * 3. every `round_started` equals the deal recomputed from the seed(s) (dealer, every hand card
 *    by card in deal order, trump card);
 * 4. the log folds cleanly: every event fits the rules (`evolve` accepts it).
 * `hash` may be injected and must compute SHA-256 as lowercase hex (it checks the commitment).
 */
export function verifyGame(events: readonly GameEvent[], hash: HashHex = sha256Hex): VerifyResult {
  const first = events[0];
  if (first?.type !== "game_created") {
    return { ok: false, problems: ["event 0 must be game_created"] };
  }
  const scheme: FairnessScheme = first.fairness ?? "v1";
  const problems: string[] = [];
  const seed = checkSeed(events, first, hash, problems);
  const clientSeeds = scheme === "v2" ? checkClientSeeds(events, seed, problems) : [];
  if (seed !== null && clientSeeds !== null) {
    const source: DealSource = scheme === "v1" ? { scheme, sessionSeed: seed } : { scheme, dealKey: dealKeyV2(seed, clientSeeds) };
    checkDeals(events, first.config.seats, source, problems);
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

/** Check 1: the seed to recompute from, or null (with the problem recorded). */
function checkSeed(events: readonly GameEvent[], first: GameCreatedEvent, hash: HashHex, problems: string[]): string | null {
  const lastIndex = events.length - 1;
  const last = events[lastIndex];
  const revealed = last?.type === "game_completed" ? last.sessionSeed : "";
  const at = revealed !== "" ? `event ${lastIndex} (game_completed)` : "event 0 (game_created)";
  if (revealed !== "" && first.sessionSeed !== "" && revealed !== first.sessionSeed) {
    problems.push(`event ${lastIndex} (game_completed): the revealed seed differs from the seed in event 0 (game_created)`);
    return null;
  }
  const seed = revealed !== "" ? revealed : first.sessionSeed;
  if (seed === "") {
    problems.push("no seed to check: the game is not completed (the seed is revealed by game_completed)");
    return null;
  }
  if (!isSessionSeed(seed)) {
    problems.push(`${at}: the seed is not 64 lowercase hex chars`);
    return null;
  }
  if (seedCommitment(seed, hash) !== first.seedCommitment) {
    problems.push(`${at}: the seed does not match the commitment in event 0 (game_created)`);
    return null;
  }
  return seed;
}

/**
 * Check 2 (v2): the client seeds `game_started` lists, each well-formed and equal to the one its
 * seat joined with; a server-drawn one must be `serverClientSeedV2(seed, its event index)`. Null
 * when there is no usable list (the problem is recorded).
 */
function checkClientSeeds(events: readonly GameEvent[], seed: string | null, problems: string[]): readonly string[] | null {
  const joinedAt = new Map<number, { seed: string; index: number }>();
  for (let index = 0; index < events.length; index++) {
    const event = events[index] as GameEvent;
    if (event.type === "player_joined") {
      if (!isClientSeed(event.clientSeed)) {
        problems.push(`event ${index} (player_joined, seat ${event.seat}): the client seed is not 32..128 lowercase hex chars`);
      } else if (event.clientSeedBy === "server" && seed !== null && event.clientSeed !== serverClientSeedV2(seed, index)) {
        problems.push(`event ${index} (player_joined, seat ${event.seat}): the server-drawn client seed is not the one the revealed seed derives`);
      }
      joinedAt.set(event.seat, { seed: event.clientSeed ?? "", index });
    } else if (event.type === "player_left") {
      joinedAt.delete(event.seat); // before the start a leave frees the seat and its seed
    } else if (event.type === "game_started") {
      const listed = event.clientSeeds;
      if (listed === undefined) {
        problems.push(`event ${index} (game_started): a v2 game must list every seat's client seed`);
        return null;
      }
      listed.forEach((listedSeed, seat) => {
        const joined = joinedAt.get(seat);
        if (!isClientSeed(listedSeed)) problems.push(`event ${index} (game_started): seat ${seat}'s client seed is not 32..128 lowercase hex chars`);
        else if (joined === undefined || joined.seed !== listedSeed) {
          const where = joined === undefined ? "no join" : `event ${joined.index} (player_joined)`;
          problems.push(`event ${index} (game_started): seat ${seat}'s client seed differs from the one it joined with (${where})`);
        }
      });
      return listed;
    }
  }
  return [];
}

/** Check 3: every `round_started` against the deal the seed(s) give. */
function checkDeals(events: readonly GameEvent[], seats: number, source: DealSource, problems: string[]): void {
  events.forEach((event, index) => {
    if (event.type !== "round_started") return;
    let deal;
    try {
      deal = dealRound(source, event.round, seats);
    } catch (error) {
      problems.push(`event ${index} (round_started): ${(error as Error).message}`);
      return;
    }
    const where = `event ${index} (round_started, round ${event.round})`;
    if (event.dealer !== deal.dealer) problems.push(`${where}: dealer ${event.dealer}, the seeds say ${deal.dealer}`);
    if (event.trumpCard !== deal.trumpCard) problems.push(`${where}: trump ${event.trumpCard}, the seeds say ${deal.trumpCard}`);
    if (event.hands.length !== deal.hands.length) problems.push(`${where}: ${event.hands.length} hands, expected ${deal.hands.length}`);
    deal.hands.forEach((hand, seat) => {
      const logged = event.hands[seat] ?? [];
      if (logged.length !== hand.length || hand.some((card, i) => logged[i] !== card)) {
        problems.push(`${where}: seat ${seat}'s hand differs from the deal the seeds give`);
      }
    });
  });
}
