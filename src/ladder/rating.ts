/**
 * Skill ratings (pure): openskill's Weng-Lin model with Plackett-Luce, for free-for-all games
 * of 3-5 seats. docs/LADDER.md, "Skill ratings", states these rules with a worked example.
 *
 * - R1 A completed game is rated when at least two of its seats are humans
 *   ({@link MIN_RATED_HUMANS}); otherwise nobody's rating changes.
 * - R2 Places come from the final totals: higher total = better place; equal totals share a
 *   place (openskill's `rank`, 1 = best). An abandoned seat (docs/LADDER.md L8) places last
 *   whatever its total, behind every seat that was not abandoned; several abandoned seats share
 *   that last place. An abandoned seat never counts as a win.
 * - R3 Every seat takes part in the update with its rating before the game: a human's stored
 *   rating (a new player starts at openskill's default, mu 25, sigma 25/3), a bot's fixed
 *   rating ({@link botRatingOf}: a ranked bot's graded one, src/ladder/botRatings.ts, else
 *   {@link BOT_RATING}). Only the humans' new ratings are kept; bots never change.
 * - R4 The shown rating is the conservative ordinal `round(100 * (mu - 3 * sigma))`
 *   ({@link shownRating}); a new player shows 0.
 * - R5 A player is provisional until {@link PROVISIONAL_GAMES} rated games.
 */
import { ordinal, rate, rating, type Rating } from "openskill";
import { plackettLuce } from "openskill/models";
import type { PlayerId } from "../game/types.js";
import { rankedBot } from "./botRatings.js";

export type { Rating } from "openskill";

/** R1: fewer humans than this in a game: nobody is rated. */
export const MIN_RATED_HUMANS = 2;
/** R5: rated games before a player's rating stops being provisional. */
export const PROVISIONAL_GAMES = 5;
/** R4: the shown rating's scale. */
export const SHOWN_RATING_SCALE = 100;
/** R4: standard deviations taken off `mu` for the shown rating. */
export const SHOWN_RATING_Z = 3;

/** The rating every new player starts from (openskill's default: mu 25, sigma 25/3). */
export function initialRating(): Rating {
  return rating();
}

/** R3: the fixed rating of every bot (the default rating; a bot never learns or drifts). */
export const BOT_RATING: Readonly<Rating> = Object.freeze(rating());

/** R3: a bot's fixed rating: a ranked bot's graded one (B1), else {@link BOT_RATING} (B2). */
export function botRatingOf(playerId: string): Rating {
  const ranked = rankedBot(playerId);
  return ranked === undefined ? { ...BOT_RATING } : { ...ranked.rating };
}

/** R4: the shown (conservative, scaled) rating: `round(100 * (mu - 3 * sigma))`. */
export function shownRating(r: Rating): number {
  const v = Math.round(ordinal(r, { z: SHOWN_RATING_Z, alpha: SHOWN_RATING_SCALE, target: 0 }));
  return Object.is(v, -0) ? 0 : v;
}

/** R5: still provisional after `games` rated games. */
export function isProvisional(games: number): boolean {
  return games < PROVISIONAL_GAMES;
}

/** What a rating rebuild did (db/ratings.ts `rebuildRatings`). */
export interface RatingRebuildResult {
  /** Completed games replayed. */
  readonly games: number;
  /** Of them, games rated (at least two humans). */
  readonly rated: number;
  /** Players with a rating after the rebuild. */
  readonly players: number;
}

/** One seat of a finished game, as the rating sees it. */
export interface RatedSeat {
  readonly playerId: PlayerId;
  readonly isBot: boolean;
  /** The seat's final total. */
  readonly score: number;
  /** R2: the seat was abandoned (L8): it places last whatever its total (default false). */
  readonly abandoned?: boolean;
}

/** A human's rating change from one game. */
export interface RatingUpdate {
  readonly playerId: PlayerId;
  /** 1 = best; equal totals share a place (R2). */
  readonly place: number;
  /** R2: the seat was abandoned (placed last; never a win). */
  readonly abandoned: boolean;
  readonly before: Rating;
  readonly after: Rating;
}

/**
 * R2: each seat's place: a seat that was not abandoned is 1 + the number of such seats with a
 * strictly higher total; an abandoned seat (`abandoned[i]`) is 1 + the number of seats that
 * were not abandoned (last, shared among the abandoned).
 */
export function placesOf(scores: readonly number[], abandoned: readonly boolean[] = []): number[] {
  const stayed = scores.filter((_, i) => abandoned[i] !== true);
  return scores.map((s, i) => 1 + (abandoned[i] === true ? stayed.length : stayed.filter((o) => o > s).length));
}

/** R2: a rating update counts as a win when placed first and not abandoned. */
export function isRatingWin(u: Pick<RatingUpdate, "place" | "abandoned">): boolean {
  return u.place === 1 && !u.abandoned;
}

/** True when a game with these seats is rated (R1). */
export function isRatedGame(seats: readonly RatedSeat[]): boolean {
  return seats.filter((s) => !s.isBot).length >= MIN_RATED_HUMANS;
}

/**
 * Rates one finished game (R1-R3). `current(playerId)` is a human's rating before the game
 * (null: new player). Returns one update per human, in seat order; [] when the game is not
 * rated. Seats must be in the same order every time a game is rated (the stored summary's
 * order), so a replay computes bit-identical values.
 */
export function rateGame(seats: readonly RatedSeat[], current: (playerId: PlayerId) => Rating | null): RatingUpdate[] {
  if (!isRatedGame(seats)) return [];
  const before = seats.map((s) => (s.isBot ? botRatingOf(s.playerId) : (current(s.playerId) ?? initialRating())));
  const places = placesOf(
    seats.map((s) => s.score),
    seats.map((s) => s.abandoned === true),
  );
  const after = rate(
    before.map((r) => [r]),
    { rank: places, model: plackettLuce },
  );
  const updates: RatingUpdate[] = [];
  seats.forEach((s, i) => {
    const b = before[i];
    const a = after[i]?.[0];
    const place = places[i];
    if (s.isBot || b === undefined || a === undefined || place === undefined) return;
    updates.push({ playerId: s.playerId, place, abandoned: s.abandoned === true, before: b, after: { mu: a.mu, sigma: a.sigma } });
  });
  return updates;
}
