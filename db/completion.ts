/**
 * Completing a game: everything a finished game owes the database, in one transaction.
 *
 * Rules (each has a contract test in `completion.contract.test.ts`):
 * - C1 one transaction: `games.status = 'completed'` and `completed_at`, the `game_summaries`
 *   row, every seat's `player_lifetime_stats` (bots included), the `ladder_entries` of both
 *   tiers (all-time and the current season) and their `score_events` audit rows commit
 *   together or not at all.
 * - C2 idempotent: keyed on the game id. The game row is locked (`SELECT ... FOR UPDATE`)
 *   first; a game already completed is left untouched and the call reports
 *   `applied: false`.
 * - C3 no lost update: stats and ladder rows are changed by atomic upserts
 *   (`x = x + excluded.x`), taken in a fixed order (stats rows by player id, then ladder rows
 *   by player id and tier), so concurrent completions sharing players serialize on the row
 *   locks without deadlocks.
 * - C4 streaks: a game counts as won when `LifetimeStatDelta.won` is true. The current
 *   win/loss streaks and the longest ones follow the order in which completions applied (the
 *   order of `game_summaries.completion_seq`).
 * - C5 ladder: only ranked human players (not bots; C7) get ladder entries and score events. A total
 *   that would leave the safe integer range is refused with `ladder/score_overflow` and
 *   nothing is written. `score_first_reached_at` is set to the database clock (truncated to
 *   milliseconds, taken under the row lock) whenever the total changes; a 0 delta keeps it.
 * - C6 consistency: the input is checked before anything is written (the summary belongs to
 *   the game, one delta per summary player with the same score and bot flag, every player
 *   exists with the same bot flag, safe integers, bid figures and move counts that fit:
 *   `zeroBidsMade <= bidsMade <= roundsPlayed`, `notOwn <= moves`).
 * - C7 abandoned seats and test clients (docs/LADDER.md L8, src/ladder/seatStanding.ts): a seat
 *   whose player made at most half of its moves counts as a lost game in the lifetime stats
 *   (`games_abandoned` + 1) and gets no ladder entry or score event; nor does a player flagged
 *   `unranked` (a test client's guest). Bid figures (and `perfect_games`, src/game `isPerfectGame`)
 *   are added for every seat.
 *
 * The transaction is a {@link CompletionPipeline} (src/completion): {@link claimGame} (C2, C6)
 * then the participants {@link lifetimeStatsParticipant}, {@link gameSummaryParticipant} and
 * {@link ladderParticipant}, in that order (C4 needs the summary after the stats). The server
 * builds it with {@link createGameCompletion}, which adds any further participants.
 */
import { and, asc, eq, inArray, or, sql, type SQL } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import type { GameId } from "../src/game/types.js";
import type { Database, Transaction } from "./client.js";
import { GameNotFoundError, StorageError } from "./errors.js";
import { isTransientPgError, pgConstraintName, pgErrorCode, SQLSTATE } from "./pgError.js";
import { gameSummaries } from "./schema/gameSummaries.js";
import { games } from "./schema/games.js";
import { ALL_TIME_SEASON, ladderEntries, seasons, type LadderTier } from "./schema/ladder.js";
import { playerLifetimeStats } from "./schema/playerStats.js";
import { players } from "./schema/players.js";
import { applyLadderWrites, type LadderChange } from "./ladderWrites.js";
import { CompletionPipeline, register, type CompletionParticipant, type FinishedGame, type GameCompletion, type RegisteredParticipant, type TransactionRunner } from "../src/completion/pipeline.js";
import { gameLadderWrites } from "../src/ladder/ladderChange.js";
import { abandonedSeats, seatStanding } from "../src/ladder/seatStanding.js";
import { isPerfectGame } from "../src/game/summary.js";
import type { Logger } from "../src/platform/logger.js";

/** What {@link completeGame} writes: a finished game (src/completion). */
export type CompleteGameInput = FinishedGame;

export type { LadderChange } from "./ladderWrites.js";

/** The outcome of {@link completeGame}. */
export type CompleteGameResult =
  | { readonly applied: true; readonly season: number; readonly ladderChanges: readonly LadderChange[] }
  /** The game was already completed: nothing was written. */
  | { readonly applied: false; readonly ladderChanges: readonly [] };

/** The completion input is inconsistent (C6); nothing was written. */
export class CompletionInputError extends StorageError {
  constructor(gameId: string, reason: string) {
    super("storage/invalid_completion", `cannot complete game ${gameId}: ${reason}`);
    this.name = "CompletionInputError";
  }
}

/** A ladder total would leave the safe integer range (C5); nothing was written. */
export class LadderOverflowError extends StorageError {
  constructor(
    readonly playerId: string,
    readonly tier: LadderTier,
    readonly season: number,
    readonly attempted: string,
  ) {
    super(
      "ladder/score_overflow",
      `ladder total of player ${playerId} (${tier}, season ${season}) would become ${attempted}, outside ±${Number.MAX_SAFE_INTEGER}; the completion was refused`,
    );
    this.name = "LadderOverflowError";
  }
}

/** Options of {@link completeGame}. */
export interface CompleteGameOptions {
  /** Retries of the whole transaction after a transient failure (default 3). C2 makes them safe. */
  readonly maxRetries?: number;
}

/** C6: checks the input without touching the database. */
function validate(input: CompleteGameInput): void {
  const { gameId, summary, deltas } = input;
  const fail = (reason: string): never => {
    throw new CompletionInputError(gameId, reason);
  };
  if (Number.isNaN(input.completedAt.getTime())) fail("completedAt is not a valid date");
  if (summary.gameId !== gameId) fail(`the summary belongs to game ${summary.gameId}`);
  if (deltas.length === 0) fail("no deltas");
  const seen = new Set<string>();
  for (const d of deltas) {
    if (seen.has(d.playerId)) fail(`player ${d.playerId} has two deltas`);
    seen.add(d.playerId);
    for (const [name, value] of [["score", d.score], ["tricksWon", d.tricksWon]] as const) {
      if (!Number.isSafeInteger(value)) fail(`delta ${name} of ${d.playerId} is not a safe integer`);
    }
    if (d.tricksWon < 0) fail(`delta tricksWon of ${d.playerId} is negative`);
    const counts = [["roundsPlayed", d.roundsPlayed], ["bidsMade", d.bidsMade], ["zeroBidsMade", d.zeroBidsMade], ["moves", d.moves.moves], ["notOwn", d.moves.notOwn]] as const;
    for (const [name, value] of counts) {
      if (!Number.isSafeInteger(value) || value < 0) fail(`delta ${name} of ${d.playerId} is not a non-negative safe integer`);
    }
    if (d.zeroBidsMade > d.bidsMade || d.bidsMade > d.roundsPlayed) fail(`the bid figures of ${d.playerId} do not fit (zero bids made <= bids made <= rounds played)`);
    if (d.moves.notOwn > d.moves.moves) fail(`delta moves of ${d.playerId}: more moves not its own than moves`);
    const line = summary.players.find((p) => p.playerId === d.playerId);
    if (line === undefined) fail(`player ${d.playerId} is not in the summary`);
    else if (line.isBot !== d.isBot || line.score !== d.score || line.won !== d.won || line.tricksWon !== d.tricksWon) {
      fail(`the delta of player ${d.playerId} disagrees with the summary`);
    }
  }
  if (summary.players.length !== deltas.length) fail("the summary and the deltas name different players");
}

const byPlayerId = (a: { playerId: string }, b: { playerId: string }): number => (a.playerId < b.playerId ? -1 : a.playerId > b.playerId ? 1 : 0);

/** The current season: the one row with `ended_at` null. */
async function currentSeason(tx: Transaction, gameId: GameId): Promise<number> {
  const rows = await tx.select({ id: seasons.id }).from(seasons).where(sql`${seasons.endedAt} IS NULL`);
  const row = rows[0];
  if (row === undefined || rows.length > 1) {
    throw new StorageError("storage/no_current_season", `cannot complete game ${gameId}: there must be exactly one open season, found ${rows.length}`);
  }
  return row.id;
}

/**
 * C2 and C6 inside the transaction: checks the input, locks the game row, and claims the
 * completion unless the game is already completed; every player must exist with its bot flag.
 */
export async function claimGame(tx: Transaction, input: FinishedGame): Promise<boolean> {
  validate(input);
  const { gameId } = input;
  // C2: the game row lock serializes completions of one game; the status makes them idempotent.
  const [game] = await tx.select({ status: games.status }).from(games).where(eq(games.id, gameId)).for("update");
  if (game === undefined) throw new GameNotFoundError(gameId);
  if (game.status === "completed") return false;
  if (game.status !== "in_progress") {
    throw new CompletionInputError(gameId, `the game is ${game.status}, not in_progress`);
  }
  const ids = input.deltas.map((d) => d.playerId);
  const known = await tx.select({ id: players.id, isBot: players.isBot }).from(players).where(inArray(players.id, ids));
  const botById = new Map(known.map((p) => [p.id, p.isBot]));
  for (const d of [...input.deltas].sort(byPlayerId)) {
    const isBot = botById.get(d.playerId);
    if (isBot === undefined) throw new CompletionInputError(gameId, `player ${d.playerId} does not exist`);
    if (isBot !== d.isBot) throw new CompletionInputError(gameId, `player ${d.playerId} is_bot=${isBot} but the delta says ${d.isBot}`);
  }
  return true;
}

/**
 * C3/C4/C7: every seat's lifetime stats as one atomic multi-row upsert, rows in player id order
 * (not yet sent: the caller awaits it or calls `execute()`).
 */
function lifetimeStatsUpsert(tx: Transaction, input: FinishedGame) {
  // C7: an abandoned seat's game is a loss (whether a player is unranked does not matter here).
  const deltas = [...input.deltas].sort(byPlayerId).map((d) => {
    const standing = seatStanding(d, { unranked: false });
    return { ...d, won: standing.won, abandoned: standing.abandoned };
  });
  const { completedAt } = input;
  const ex = (column: string) => sql.raw(`excluded.${column}`);
  const won = sql`${ex("games_won")} = 1`;
  return tx
    .insert(playerLifetimeStats)
    .values(
      deltas.map((d) => ({
        playerId: d.playerId,
        gamesPlayed: 1,
        gamesWon: d.won ? 1 : 0,
        roundsPlayed: d.roundsPlayed,
        bidsMade: d.bidsMade,
        zeroBidsMade: d.zeroBidsMade,
        gamesAbandoned: d.abandoned ? 1 : 0,
        perfectGames: isPerfectGame(d) ? 1 : 0,
        highestScore: d.score,
        lowestScore: d.score,
        totalPoints: d.score,
        totalTricksWon: d.tricksWon,
        mostConsecutiveWins: d.won ? 1 : 0,
        mostConsecutiveLosses: d.won ? 0 : 1,
        currentWinStreak: d.won ? 1 : 0,
        currentLossStreak: d.won ? 0 : 1,
        lastGameAt: completedAt,
      })),
    )
    .onConflictDoUpdate({
      target: playerLifetimeStats.playerId,
      set: {
        gamesPlayed: sql`${playerLifetimeStats.gamesPlayed} + 1`,
        gamesWon: sql`${playerLifetimeStats.gamesWon} + ${ex("games_won")}`,
        highestScore: sql`GREATEST(${playerLifetimeStats.highestScore}, ${ex("highest_score")})`,
        lowestScore: sql`LEAST(${playerLifetimeStats.lowestScore}, ${ex("lowest_score")})`,
        totalPoints: sql`${playerLifetimeStats.totalPoints} + ${ex("total_points")}`,
        totalTricksWon: sql`${playerLifetimeStats.totalTricksWon} + ${ex("total_tricks_won")}`,
        roundsPlayed: sql`${playerLifetimeStats.roundsPlayed} + ${ex("rounds_played")}`,
        bidsMade: sql`${playerLifetimeStats.bidsMade} + ${ex("bids_made")}`,
        zeroBidsMade: sql`${playerLifetimeStats.zeroBidsMade} + ${ex("zero_bids_made")}`,
        gamesAbandoned: sql`${playerLifetimeStats.gamesAbandoned} + ${ex("games_abandoned")}`,
        perfectGames: sql`${playerLifetimeStats.perfectGames} + ${ex("perfect_games")}`,
        currentWinStreak: sql`CASE WHEN ${won} THEN ${playerLifetimeStats.currentWinStreak} + 1 ELSE 0 END`,
        currentLossStreak: sql`CASE WHEN ${won} THEN 0 ELSE ${playerLifetimeStats.currentLossStreak} + 1 END`,
        mostConsecutiveWins: sql`GREATEST(${playerLifetimeStats.mostConsecutiveWins}, CASE WHEN ${won} THEN ${playerLifetimeStats.currentWinStreak} + 1 ELSE 0 END)`,
        mostConsecutiveLosses: sql`GREATEST(${playerLifetimeStats.mostConsecutiveLosses}, CASE WHEN ${won} THEN 0 ELSE ${playerLifetimeStats.currentLossStreak} + 1 END)`,
        lastGameAt: sql`GREATEST(${playerLifetimeStats.lastGameAt}, ${ex("last_game_at")})`,
      },
    });
}

/**
 * A reader of the lifetime-stats upsert's rows: `returning` names further columns its `RETURNING`
 * clause evaluates for every upserted row (the row as the upsert left it; a subquery may read
 * other tables in the statement's snapshot, it must not write or lock), and `take` receives the
 * rows, one per seat (key them by `playerId`), each with `playerId` and those columns under
 * their names, before the participant returns. It costs the completion no statement of its own
 * (db/achievements.ts reads a game's figures this way).
 */
export interface LifetimeStatsReader {
  readonly returning: Readonly<Record<string, SQL | PgColumn>>;
  take(tx: Transaction, game: FinishedGame, rows: readonly LifetimeStatsReturned[]): void;
}

/** A row the lifetime-stats upsert returned to a {@link LifetimeStatsReader}. */
export type LifetimeStatsReturned = { readonly playerId: string } & Readonly<Record<string, unknown>>;

/** The `RETURNING` fields of `readers` (reader i's column `k` as `i:k`), after `playerId`. */
function returningOf(readers: readonly LifetimeStatsReader[]): Record<string, SQL | PgColumn> {
  const fields: Record<string, SQL | PgColumn> = { playerId: playerLifetimeStats.playerId };
  readers.forEach((r, i) => {
    for (const [k, v] of Object.entries(r.returning)) fields[`${i}:${k}`] = v;
  });
  return fields;
}

/** Reader i's view of a returned row: `playerId` and its own columns under their names. */
function rowFor(row: Readonly<Record<string, unknown>>, i: number): LifetimeStatsReturned {
  const out: Record<string, unknown> = { playerId: String(row["playerId"]) };
  const prefix = `${i}:`;
  for (const [k, v] of Object.entries(row)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
  return out as LifetimeStatsReturned;
}

/** C3/C4/C7: the lifetime-stats participant; `readers` get the upsert's rows through its `RETURNING`. */
export function lifetimeStatsParticipantWith(readers: readonly LifetimeStatsReader[]): CompletionParticipant<Transaction, void> {
  return {
    name: "lifetime_stats",
    async write(tx, input) {
      if (readers.length === 0) {
        await lifetimeStatsUpsert(tx, input).execute();
        return;
      }
      const rows: readonly Readonly<Record<string, unknown>>[] = await lifetimeStatsUpsert(tx, input).returning(returningOf(readers)).execute();
      readers.forEach((r, i) => r.take(tx, input, rows.map((row) => rowFor(row, i))));
    },
    afterCommit: () => Promise.resolve(),
  };
}

/** C3/C4/C7: every seat's lifetime stats, one atomic multi-row upsert, rows in player id order. */
export const lifetimeStatsParticipant: CompletionParticipant<Transaction, void> = lifetimeStatsParticipantWith([]);

/**
 * The `game_summaries` row and `games.status = 'completed'`. It runs after the stats, so
 * `completion_seq` orders completions as their stats updates applied (C4).
 */
export const gameSummaryParticipant: CompletionParticipant<Transaction, void> = {
  name: "game_summary",
  async write(tx, { gameId, summary, deltas, completedAt }) {
    await tx.insert(gameSummaries).values({
      gameId,
      players: summary.players,
      rounds: summary.rounds,
      finalScores: summary.finalScores,
      highestBid: summary.highestBid,
      highestScore: summary.highestScore,
      lowestScore: summary.lowestScore,
      mostConsecutiveWins: summary.mostConsecutiveWins,
      mostConsecutiveLosses: summary.mostConsecutiveLosses,
      highestMisplay: summary.highestMisplay,
      abandonedSeats: abandonedSeats(summary.players, deltas),
    });
    await tx.update(games).set({ status: "completed", completedAt }).where(eq(games.id, gameId));
  },
  afterCommit: () => Promise.resolve(),
};

/** What the ladder participant committed. */
export interface LadderCompletion {
  readonly season: number;
  readonly changes: LadderChange[];
}

/** C5 writes, inside the transaction: the game's ladder rule (src/ladder), overflow refused. */
async function writeGameLadder(tx: Transaction, input: FinishedGame): Promise<LadderCompletion> {
  const season = await currentSeason(tx, input.gameId);
  // C7: test clients' guests are never ranked.
  const humans = input.deltas.filter((d) => !d.isBot).map((d) => d.playerId);
  const flagged = humans.length === 0 ? [] : await tx.select({ id: players.id }).from(players).where(and(inArray(players.id, humans), eq(players.unranked, true)));
  const writes = gameLadderWrites(input.deltas, { allTime: ALL_TIME_SEASON, current: season }, new Set(flagged.map((p) => p.id)));
  if (writes.length === 0) return { season, changes: [] };
  const tierKey = or(...[{ tier: "all_time" as const, season: ALL_TIME_SEASON }, { tier: "season" as const, season }].map((t) => and(eq(ladderEntries.tier, t.tier), eq(ladderEntries.season, t.season))));
  const current = await tx
    .select({ playerId: ladderEntries.playerId, tier: ladderEntries.tier, season: ladderEntries.season, total: ladderEntries.totalScore })
    .from(ladderEntries)
    .where(and(inArray(ladderEntries.playerId, [...new Set(writes.map((w) => w.playerId))]), tierKey))
    .orderBy(asc(ladderEntries.playerId), asc(ladderEntries.tier), asc(ladderEntries.season))
    .for("update");
  const totals = new Map(current.map((r) => [`${r.playerId}/${r.tier}/${r.season}`, r.total]));
  for (const w of writes) {
    const next = BigInt(totals.get(`${w.playerId}/${w.tier}/${w.season}`) ?? 0) + BigInt(w.delta);
    if (next > BigInt(Number.MAX_SAFE_INTEGER) || next < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw new LadderOverflowError(w.playerId, w.tier, w.season, next.toString());
    }
  }
  const changes = await applyLadderWrites(tx, writes, { source: "game", gameId: input.gameId });
  changes.sort((a, b) => byPlayerId(a, b) || (a.tier < b.tier ? -1 : a.tier > b.tier ? 1 : 0));
  return { season, changes };
}

/**
 * C5: the ladder entries of both tiers and their `score_events` rows. After the commit the
 * changes go to `onCommitted` (the ladder service: cache update and published deltas).
 */
export function ladderParticipant(onCommitted: (changes: readonly LadderChange[]) => Promise<unknown>): CompletionParticipant<Transaction, LadderCompletion> {
  return {
    name: "ladder",
    write: writeGameLadder,
    async afterCommit({ changes }) {
      if (changes.length > 0) await onCommitted(changes);
    },
  };
}

/** Runs completion transactions on `db`, retrying transient failures (C2 makes retries safe). */
export function completionTransactions(db: Database, options: CompleteGameOptions = {}): TransactionRunner<Transaction> {
  const maxRetries = options.maxRetries ?? 3;
  return {
    async transaction(body) {
      for (let attempt = 0; ; attempt++) {
        try {
          return await db.transaction(body);
        } catch (err) {
          if (pgErrorCode(err) === SQLSTATE.checkViolation && pgConstraintName(err)?.startsWith("ladder_entries_") === true) {
            // A concurrent first entry raced the pre-check; the CHECK is the backstop.
            throw new LadderOverflowError("(one of the seats)", "all_time", ALL_TIME_SEASON, "beyond the safe range");
          }
          if (attempt >= maxRetries || !isTransientPgError(err)) throw err;
          await new Promise((r) => setTimeout(r, 10 * 2 ** attempt));
        }
      }
    },
  };
}

/** What the server's completion needs beside the database. */
export interface GameCompletionOptions extends CompleteGameOptions {
  /** After the commit: the ladder service's cache update and deltas. */
  readonly onLadderChanges: (changes: readonly LadderChange[]) => Promise<unknown>;
  /** Further participants, run after the built-in ones, in this order. */
  readonly participants?: readonly RegisteredParticipant<Transaction>[];
  /**
   * Readers of the lifetime-stats upsert's rows, through its `RETURNING` (db/achievements.ts
   * `achievementsCompletion`: a game's figures read without a statement of their own).
   */
  readonly withLifetimeStats?: readonly LifetimeStatsReader[];
  readonly logger: Pick<Logger, "error">;
}

/** The server's {@link GameCompletion}: C1-C6 plus any registered participants. */
export function createGameCompletion(db: Database, options: GameCompletionOptions): GameCompletion {
  return new CompletionPipeline(
    completionTransactions(db, options),
    claimGame,
    [
      register(lifetimeStatsParticipantWith(options.withLifetimeStats ?? [])),
      register(gameSummaryParticipant),
      register(ladderParticipant(options.onLadderChanges)),
      ...(options.participants ?? []),
    ],
    options.logger,
  );
}

/**
 * Completes a game in one transaction (rules C1-C6 above). Resolves after the commit with the
 * ladder changes, so the caller can update the ladder cache and publish the deltas; a retry of
 * an applied completion resolves `{ applied: false }` and writes nothing. Rejects with
 * {@link CompletionInputError}, {@link LadderOverflowError}, {@link GameNotFoundError} or a
 * database error, in which case nothing was written.
 */
export async function completeGame(db: Database, input: CompleteGameInput, options: CompleteGameOptions = {}): Promise<CompleteGameResult> {
  const ladder: { committed: LadderCompletion | null } = { committed: null };
  const capture: CompletionParticipant<Transaction, void> = {
    name: "ladder",
    async write(tx, game) {
      ladder.committed = await writeGameLadder(tx, game);
    },
    afterCommit: () => Promise.resolve(),
  };
  const pipeline = new CompletionPipeline(
    completionTransactions(db, options),
    claimGame,
    [register(lifetimeStatsParticipant), register(gameSummaryParticipant), register(capture)],
    { error: () => undefined },
  );
  const result = await pipeline.complete(input);
  const committed = ladder.committed;
  if (!result.applied || committed === null) return { applied: false, ladderChanges: [] };
  return { applied: true, season: committed.season, ladderChanges: committed.changes };
}
