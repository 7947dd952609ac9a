/**
 * Skill ratings in storage: the completion participant that rates a finished game, and the
 * rebuild that recomputes every rating by replaying the stored summaries. The maths is
 * src/ladder/rating.ts (openskill, Plackett-Luce); docs/LADDER.md, "Skill ratings".
 *
 * Rules:
 * - RS1 in the completion transaction: a rated game (R1) locks its humans' `player_ratings` rows
 *   (player id order, after the points tiers' ladder rows), writes their new mu/sigma and
 *   `games + 1`, one `rating_updates` row each, and their `rating` tier ladder entries (through
 *   `applyLadderWrites`: the shown rating as total, `delta` = shown after - shown before, a win
 *   when placed first, `highest` = the best shown rating) with their `score_events` rows.
 * - RS2 never twice: the pipeline's claim (P1) runs a game's participants once; the
 *   `rating_updates` primary key (game, player) would fail a second rating of the same game.
 * - RS3 invariant: a player's `rating` tier total equals `shownRating` of their stored rating,
 *   and a player with no rated game has neither row.
 * - RS4 rebuild: replays every completed game's stored summary in `completion_seq` order (the
 *   order completions sharing a player applied) from the default rating, and replaces
 *   `player_ratings`, `rating_updates` and the `rating` tier in one transaction that holds
 *   `player_ratings` in EXCLUSIVE mode (completions that rate wait for it). Mu, sigma, games,
 *   wins, total and highest equal the live values; `score_first_reached_at` becomes the
 *   completion time of the game that moved the shown rating to its value; `score_events` (the
 *   history) is kept as it is. Players deleted since are left out.
 */
import { and, asc, eq, gt, inArray, sql } from "drizzle-orm";
import type { CompletionParticipant, FinishedGame } from "../src/completion/pipeline.js";
import type { PlayerId } from "../src/game/types.js";
import type { LadderChange, LadderWrite } from "../src/ladder/ladderChange.js";
import { abandonedSeats } from "../src/ladder/seatStanding.js";
import { initialRating, isRatingWin, rateGame, shownRating, type RatedSeat, type Rating, type RatingRebuildResult, type RatingUpdate } from "../src/ladder/rating.js";
import type { Database, Transaction } from "./client.js";
import { parseStored, summaryPlayersSchema } from "./domainSchemas.js";
import { applyLadderWrites } from "./ladderWrites.js";
import { gameSummaries } from "./schema/gameSummaries.js";
import { games } from "./schema/games.js";
import { ladderEntries, RATING_SEASON } from "./schema/ladder.js";
import { players } from "./schema/players.js";
import { playerRatings, ratingUpdates } from "./schema/ratings.js";

/** What the rating participant committed. */
export interface RatingCompletion {
  readonly updates: readonly RatingUpdate[];
  readonly changes: readonly LadderChange[];
}

const byId = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The seats of a summary, in the summary's order (the order every rating of it uses). A test
 * client's guest (`players.unranked`, docs/LADDER.md L8) takes part as a bot does: with the fixed
 * bot rating, never rated, never on the `rating` tier. An abandoned seat (`abandoned`: seat
 * indices, `game_summaries.abandoned_seats`) places last (R2).
 */
function seatsOf(summaryPlayers: readonly { playerId: PlayerId; seat: number; isBot: boolean; score: number }[], unranked: ReadonlySet<string>, abandoned: readonly number[]): RatedSeat[] {
  const gone = new Set(abandoned);
  return summaryPlayers.map((p) => ({ playerId: p.playerId, isBot: p.isBot || unranked.has(p.playerId), score: p.score, abandoned: gone.has(p.seat) }));
}

/** Of these players, the ones flagged `unranked`. */
async function unrankedOf(tx: Transaction, ids: readonly PlayerId[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await tx.select({ id: players.id }).from(players).where(and(inArray(players.id, [...ids]), eq(players.unranked, true)));
  return new Set(rows.map((r) => r.id));
}

/** The rating tier's ladder write of one update (RS1, RS3). */
function ratingWrite(u: RatingUpdate): LadderWrite {
  const after = shownRating(u.after);
  return { playerId: u.playerId, tier: "rating", season: RATING_SEASON, delta: after - shownRating(u.before), won: isRatingWin(u), highest: after };
}

/** RS1: rates one finished game inside the completion transaction. */
export async function writeGameRatings(tx: Transaction, game: FinishedGame): Promise<RatingCompletion> {
  const unranked = await unrankedOf(tx, game.summary.players.filter((p) => !p.isBot).map((p) => p.playerId));
  // The same seats the summary participant stores in `abandoned_seats`, so a rebuild places them alike.
  const seats = seatsOf(game.summary.players, unranked, abandonedSeats(game.summary.players, game.deltas));
  const humans = [...new Set(seats.filter((s) => !s.isBot).map((s) => s.playerId))].sort(byId);
  if (rateGame(seats, () => null).length === 0) return { updates: [], changes: [] };
  const start = initialRating();
  await tx
    .insert(playerRatings)
    .values(humans.map((playerId) => ({ playerId, mu: start.mu, sigma: start.sigma, games: 0 })))
    .onConflictDoNothing();
  const rows = await tx
    .select({ playerId: playerRatings.playerId, mu: playerRatings.mu, sigma: playerRatings.sigma, games: playerRatings.games })
    .from(playerRatings)
    .where(inArray(playerRatings.playerId, humans))
    .orderBy(asc(playerRatings.playerId))
    .for("update");
  const current = new Map(rows.map((r) => [r.playerId, { mu: r.mu, sigma: r.sigma }] as const));
  const updates = rateGame(seats, (id) => current.get(id) ?? null);
  const sorted = [...updates].sort((a, b) => byId(a.playerId, b.playerId));
  await tx
    .insert(playerRatings)
    .values(sorted.map((u) => ({ playerId: u.playerId, mu: u.after.mu, sigma: u.after.sigma, games: 1 })))
    .onConflictDoUpdate({
      target: playerRatings.playerId,
      set: { mu: sql.raw("excluded.mu"), sigma: sql.raw("excluded.sigma"), games: sql`${playerRatings.games} + 1`, updatedAt: sql`now()` },
    });
  await tx.insert(ratingUpdates).values(
    sorted.map((u) => ({
      gameId: game.gameId,
      playerId: u.playerId,
      place: u.place,
      muBefore: u.before.mu,
      sigmaBefore: u.before.sigma,
      muAfter: u.after.mu,
      sigmaAfter: u.after.sigma,
    })),
  );
  const changes = await applyLadderWrites(tx, sorted.map(ratingWrite), { source: "game", gameId: game.gameId });
  return { updates, changes };
}

/**
 * The completion participant (register it after the built-in ones). After the commit the
 * `rating` tier changes go to `onCommitted` (the ladder service: cache update and deltas).
 */
export function ratingParticipant(onCommitted: (changes: readonly LadderChange[]) => Promise<unknown>): CompletionParticipant<Transaction, RatingCompletion> {
  return {
    name: "rating",
    write: writeGameRatings,
    async afterCommit({ changes }) {
      if (changes.length > 0) await onCommitted(changes);
    },
  };
}

export type { RatingRebuildResult } from "../src/ladder/rating.js";

/** A player's state during a replay. */
interface Replayed {
  rating: Rating;
  games: number;
  wins: number;
  shown: number;
  highest: number;
  reachedAt: Date;
}

const REPLAY_BATCH = 1_000;
const INSERT_BATCH = 1_000;

async function insertChunks<T>(rows: readonly T[], insert: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_BATCH) await insert(rows.slice(i, i + INSERT_BATCH));
}

/** RS4: the replay, inside the rebuild's transaction. */
async function replay(tx: Transaction): Promise<{ state: Map<PlayerId, Replayed>; updates: { gameId: string; u: RatingUpdate }[]; games: number; rated: number }> {
  const state = new Map<PlayerId, Replayed>();
  const unranked = new Set((await tx.select({ id: players.id }).from(players).where(eq(players.unranked, true))).map((r) => r.id));
  const updates: { gameId: string; u: RatingUpdate }[] = [];
  let after = 0;
  let gamesSeen = 0;
  let rated = 0;
  for (;;) {
    const batch = await tx
      .select({ seq: gameSummaries.completionSeq, gameId: gameSummaries.gameId, players: gameSummaries.players, abandoned: gameSummaries.abandonedSeats, completedAt: games.completedAt })
      .from(gameSummaries)
      .innerJoin(games, eq(games.id, gameSummaries.gameId))
      .where(and(gt(gameSummaries.completionSeq, after), eq(games.status, "completed")))
      .orderBy(asc(gameSummaries.completionSeq))
      .limit(REPLAY_BATCH);
    for (const row of batch) {
      after = row.seq;
      gamesSeen++;
      const seats = seatsOf(parseStored(summaryPlayersSchema, row.players, "game_summaries.players"), unranked, row.abandoned);
      const done = rateGame(seats, (id) => state.get(id)?.rating ?? null);
      if (done.length > 0) rated++;
      const at = row.completedAt ?? new Date(0);
      for (const u of done) {
        const shown = shownRating(u.after);
        const prev = state.get(u.playerId);
        const win = isRatingWin(u) ? 1 : 0;
        if (prev === undefined) state.set(u.playerId, { rating: u.after, games: 1, wins: win, shown, highest: shown, reachedAt: at });
        else state.set(u.playerId, { rating: u.after, games: prev.games + 1, wins: prev.wins + win, shown, highest: Math.max(prev.highest, shown), reachedAt: shown === prev.shown ? prev.reachedAt : at });
        updates.push({ gameId: row.gameId, u });
      }
    }
    if (batch.length < REPLAY_BATCH) return { state, updates, games: gamesSeen, rated };
  }
}

/** Of these players, the ones that still exist. */
async function existing(tx: Transaction, ids: readonly PlayerId[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < ids.length; i += 5_000) {
    const rows = await tx.select({ id: players.id }).from(players).where(inArray(players.id, ids.slice(i, i + 5_000)));
    for (const r of rows) out.add(r.id);
  }
  return out;
}

/**
 * RS4: recomputes every rating from the stored summaries and replaces the stored ratings, their
 * updates and the `rating` ladder tier, in one transaction. The caller rebuilds the `rating`
 * cache tier afterwards (`LadderService.rebuild`).
 */
export async function rebuildRatings(db: Database): Promise<RatingRebuildResult> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`LOCK TABLE ${playerRatings} IN EXCLUSIVE MODE`);
    const { state, updates, games: gameCount, rated } = await replay(tx);
    const alive = await existing(tx, [...state.keys()]);
    await tx.delete(ratingUpdates);
    await tx.delete(playerRatings);
    await tx.delete(ladderEntries).where(eq(ladderEntries.tier, "rating"));
    const kept = [...state.entries()].filter(([id]) => alive.has(id)).sort(([a], [b]) => byId(a, b));
    await insertChunks(kept, (chunk) =>
      tx.insert(playerRatings).values(chunk.map(([playerId, s]) => ({ playerId, mu: s.rating.mu, sigma: s.rating.sigma, games: s.games }))),
    );
    await insertChunks(
      updates.filter((r) => alive.has(r.u.playerId)),
      (chunk) =>
        tx.insert(ratingUpdates).values(
          chunk.map(({ gameId, u }) => ({ gameId, playerId: u.playerId, place: u.place, muBefore: u.before.mu, sigmaBefore: u.before.sigma, muAfter: u.after.mu, sigmaAfter: u.after.sigma })),
        ),
    );
    await insertChunks(kept, (chunk) =>
      tx.insert(ladderEntries).values(
        chunk.map(([playerId, s]) => ({
          playerId,
          tier: "rating" as const,
          season: RATING_SEASON,
          totalScore: s.shown,
          highestScore: s.highest,
          gamesPlayed: s.games,
          wins: s.wins,
          scoreFirstReachedAt: s.reachedAt,
        })),
      ),
    );
    return { games: gameCount, rated, players: kept.length };
  });
}

/** A player's shown rating (R4): of their stored rating, or of the starting rating (0) when they have none. */
export async function shownRatingOf(db: Database, playerId: PlayerId): Promise<number> {
  return shownRating((await getRating(db, playerId))?.rating ?? initialRating());
}

/** A player's stored rating (null: never rated), for reads and tests. */
export async function getRating(db: Database, playerId: PlayerId): Promise<{ readonly rating: Rating; readonly games: number } | null> {
  const [row] = await db.select().from(playerRatings).where(eq(playerRatings.playerId, playerId));
  return row === undefined ? null : { rating: { mu: row.mu, sigma: row.sigma }, games: row.games };
}
