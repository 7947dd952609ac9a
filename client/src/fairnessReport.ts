/**
 * The fairness check as the page shows it, recomputed in the browser with the engine's own code:
 * sha256(revealed seed) against the commitment published when the game was created, and every
 * round's deal (dealer, hands card by card, trump) recomputed from the seed (and, under fairness
 * v2, the seats' client seeds) against the log.
 */
import { dealRound } from "../../src/game/deal.js";
import { dealKeyV2, fairnessOf, type DealSource } from "../../src/game/fairness.js";
import { seedCommitment } from "../../src/game/seedCommitment.js";
import type { Card, GameEvent } from "../../src/game/types.js";

export interface RoundCheck {
  readonly round: number;
  readonly dealer: number;
  readonly trumpCard: Card;
  /** Dealer, trump and every hand equal the deal the seed gives. */
  readonly matches: boolean;
  readonly problems: readonly string[];
}

export interface FairnessReport {
  readonly gameId: string;
  readonly commitment: string;
  /** The seed `game_completed` revealed, or null while the game is live. */
  readonly seed: string | null;
  /** sha256(seed), computed here. */
  readonly recomputedCommitment: string | null;
  readonly commitmentMatches: boolean;
  readonly rounds: readonly RoundCheck[];
  readonly ok: boolean;
}

/** What the game's deals derive from, once its seed is revealed (docs/FAIRNESS.md: v1 or v2). */
function dealSourceFor(events: readonly GameEvent[], seed: string): DealSource {
  const { fairness, clientSeeds } = fairnessOf(events);
  return fairness === "v1" ? { scheme: "v1", sessionSeed: seed } : { scheme: "v2", dealKey: dealKeyV2(seed, clientSeeds) };
}

export function fairnessReport(events: readonly GameEvent[]): FairnessReport | null {
  const first = events[0];
  if (first?.type !== "game_created") return null;
  const last = events[events.length - 1];
  const seed = last?.type === "game_completed" && last.sessionSeed !== "" ? last.sessionSeed : null;
  let recomputed: string | null = null;
  if (seed !== null) {
    try {
      recomputed = seedCommitment(seed);
    } catch {
      recomputed = null;
    }
  }
  const rounds: RoundCheck[] = [];
  for (const e of events) {
    if (e.type !== "round_started") continue;
    const problems: string[] = [];
    if (seed === null) problems.push("the seed is not revealed yet");
    else {
      try {
        const deal = dealRound(dealSourceFor(events, seed), e.round, first.config.seats);
        if (deal.dealer !== e.dealer) problems.push(`dealer: the log says seat ${e.dealer + 1}, the seed seat ${deal.dealer + 1}`);
        if (deal.trumpCard !== e.trumpCard) problems.push(`trump: the log says ${e.trumpCard}, the seed ${deal.trumpCard}`);
        deal.hands.forEach((hand, seat) => {
          const logged = e.hands[seat] ?? [];
          if (logged.length !== hand.length || hand.some((c, i) => logged[i] !== c)) problems.push(`seat ${seat + 1}'s hand differs from the seed's deal`);
        });
      } catch (err: unknown) {
        problems.push(err instanceof Error ? err.message : String(err));
      }
    }
    rounds.push({ round: e.round, dealer: e.dealer, trumpCard: e.trumpCard, matches: problems.length === 0, problems });
  }
  const commitmentMatches = recomputed !== null && recomputed === first.seedCommitment;
  return {
    gameId: first.gameId,
    commitment: first.seedCommitment,
    seed,
    recomputedCommitment: recomputed,
    commitmentMatches,
    rounds,
    ok: commitmentMatches && rounds.length > 0 && rounds.every((r) => r.matches),
  };
}
