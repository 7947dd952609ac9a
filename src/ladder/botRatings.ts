/**
 * The ranked bots (pure): a fixed set of bot identities with graded, fixed ratings, used to fill
 * ranked tables (docs/LADDER.md, "Ranked quick match", rules B1-B3).
 *
 * - B1 Each ranked bot is one `players` row with a fixed id ({@link RANKED_BOTS}, `is_bot`),
 *   created on first use. Its rating is fixed: `sigma` 1 and `mu` = shown / 100 + 3, so its
 *   shown rating (R4) is its grade: 0, 300, ..., 3600. A game rates its humans against that
 *   rating (R3); the bot's never changes and it has no `player_ratings` row nor any ladder
 *   entry (L8: bots never rank).
 * - B2 Every other bot (the tables' ordinary bots, a test client's guest) takes part with the
 *   default {@link import("./rating.js").BOT_RATING}.
 * - B3 Bot fill picks, for the free seats of a ranked table, the distinct ranked bots whose shown
 *   rating is nearest the mean rating of the table's people (ties: the lower grade).
 */
import type { Rating } from "openskill";

/** One ranked bot: its fixed identity and rating. */
export interface RankedBot {
  readonly playerId: string;
  readonly displayName: string;
  /** Its shown rating (R4 of its fixed rating). */
  readonly shown: number;
  readonly rating: Readonly<Rating>;
}

/** B1: the grade step between two ranked bots, in shown rating. */
export const RANKED_BOT_STEP = 300;
/** B1: the fixed sigma of a ranked bot. */
export const RANKED_BOT_SIGMA = 1;

const NAMES = ["Ada", "Babbage", "Turing", "Hopper", "Knuth", "Lovelace", "Dijkstra", "Liskov", "Hamilton", "Ritchie", "Shannon", "Noether", "Euler"] as const;

/** B1: 13 bots, shown ratings 0..3600, ids `b0700000-0000-4000-8000-0000000000NN`. */
export const RANKED_BOTS: readonly RankedBot[] = Object.freeze(
  NAMES.map((name, i) => {
    const shown = i * RANKED_BOT_STEP;
    return Object.freeze({
      playerId: `b0700000-0000-4000-8000-0000000000${(i + 1).toString(16).padStart(2, "0")}`,
      displayName: `Bot ${name} (${shown})`,
      shown,
      rating: Object.freeze({ mu: shown / 100 + 3 * RANKED_BOT_SIGMA, sigma: RANKED_BOT_SIGMA }),
    });
  }),
);

const byId = new Map(RANKED_BOTS.map((b) => [b.playerId, b] as const));

/** B1: the ranked bot with this player id, or undefined. */
export function rankedBot(playerId: string): RankedBot | undefined {
  return byId.get(playerId);
}

/** B3: the `count` distinct ranked bots nearest `mean` (nearest first). */
export function pickBots(mean: number, count: number): RankedBot[] {
  if (count > RANKED_BOTS.length) throw new RangeError(`pickBots: at most ${RANKED_BOTS.length} bots`);
  return [...RANKED_BOTS].sort((a, b) => Math.abs(a.shown - mean) - Math.abs(b.shown - mean) || a.shown - b.shown).slice(0, count);
}
