/**
 * The one place a ladder entry is written. A finished game and a verified external score both
 * change the ladder the same way, so both call {@link applyLadderWrites} inside their own
 * transaction, after locking the rows they touch and refusing overflow:
 * - `total_score += delta`, `highest_score = GREATEST(highest_score, delta)`,
 *   `games_played += 1`, `wins += won ? 1 : 0`;
 * - `score_first_reached_at` (the tie-break) becomes the commit clock, truncated to milliseconds,
 *   whenever the total changes (a delta of 0 leaves it);
 * - one `score_events` audit row per entry changed.
 *
 * A finished game locks its rows first (`SELECT ... FOR UPDATE`, player then tier order), checks
 * overflow, then calls {@link applyLadderWrites} in its transaction. A verified external score is
 * {@link externalScoreWriter}: ONE statement (one round trip, no BEGIN/COMMIT) with the same
 * upsert rule, the same row order (tier `all_time` then `season`), the audit rows and the
 * consumed action token; the CHECK constraints refuse an overflow.
 */
import { sql, type Query, type SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { z } from "zod";
import type { GameId } from "../src/game/types.js";
import type { Database, Transaction } from "./client.js";
import { parseStored, playerIdSchema } from "./domainSchemas.js";
import { ALL_TIME_SEASON, ladderEntries } from "./schema/ladder.js";
import { scoreEvents } from "./schema/scoreEvents.js";
import { pgConstraintName, pgErrorCode, SQLSTATE } from "./pgError.js";
import { SEASON_APPEND_LOCK_SQL } from "./seasonLog.js";
import type { LadderChange, LadderWrite } from "../src/ladder/ladderChange.js";

export type { LadderChange, LadderWrite } from "../src/ladder/ladderChange.js";

/** What the audit rows record as the change's origin. */
export type LadderAudit = { readonly source: "game"; readonly gameId: GameId } | { readonly source: "external"; readonly actionId: string };

const excluded = (column: string): SQL => sql.raw(`excluded.${column}`);
const keyOf = (w: { playerId: string; tier: string; season: number }): string => `${w.playerId}/${w.tier}/${w.season}`;

/** The tie-break clock (rule L4): the database clock under the row lock, in whole milliseconds. */
const LADDER_REACHED_NOW = sql`date_trunc('milliseconds', clock_timestamp())`;

/**
 * The update rule of an existing entry, as `ON CONFLICT ... DO UPDATE SET` assignments, with
 * `excluded` holding the new row (`total_score` = `highest_score` = the delta, `wins` = 0 or 1).
 * Both writers below use this one object.
 */
const UPSERT_SET = {
  totalScore: sql`${ladderEntries.totalScore} + ${excluded("total_score")}`,
  highestScore: sql`GREATEST(${ladderEntries.highestScore}, ${excluded("highest_score")})`,
  gamesPlayed: sql`${ladderEntries.gamesPlayed} + 1`,
  wins: sql`${ladderEntries.wins} + ${excluded("wins")}`,
  scoreFirstReachedAt: sql`CASE WHEN ${excluded("total_score")} <> 0 THEN ${LADDER_REACHED_NOW} ELSE ${ladderEntries.scoreFirstReachedAt} END`,
  updatedAt: sql`now()`,
} as const satisfies Partial<Record<keyof typeof ladderEntries.$inferInsert, SQL>>;

/**
 * {@link UPSERT_SET} as raw SQL assignments, for a hand-written statement: the score submission's
 * single statement (`src/ladder/submission.ts`) writes `INSERT INTO ladder_entries (...) ...
 * ON CONFLICT (player_id, tier, season) DO UPDATE SET ${LADDER_UPSERT_SET}` with the same rule.
 */
const LADDER_UPSERT_SET: SQL = sql.join(
  (Object.keys(UPSERT_SET) as (keyof typeof UPSERT_SET)[]).map((k) => sql`${sql.identifier(ladderEntries[k].name)} = ${UPSERT_SET[k]}`),
  sql`, `,
);

/**
 * Applies `writes` (at most one per player, tier and season) and their audit rows inside `tx`,
 * returning one {@link LadderChange} per entry, in the order of `writes`. The caller has locked
 * the rows and checked the totals stay within the safe-integer range.
 */
export async function applyLadderWrites(tx: Transaction, writes: readonly LadderWrite[], audit: LadderAudit): Promise<LadderChange[]> {
  if (writes.length === 0) return [];
  const updated = await tx
    .insert(ladderEntries)
    .values(
      writes.map((w) => ({
        playerId: w.playerId,
        tier: w.tier,
        season: w.season,
        totalScore: w.delta,
        highestScore: w.highest ?? w.delta,
        gamesPlayed: 1,
        wins: w.won ? 1 : 0,
        scoreFirstReachedAt: LADDER_REACHED_NOW,
      })),
    )
    .onConflictDoUpdate({
      target: [ladderEntries.playerId, ladderEntries.tier, ladderEntries.season],
      set: UPSERT_SET,
    })
    .returning({
      playerId: ladderEntries.playerId,
      tier: ladderEntries.tier,
      season: ladderEntries.season,
      totalScore: ladderEntries.totalScore,
      highestScore: ladderEntries.highestScore,
      gamesPlayed: ladderEntries.gamesPlayed,
      wins: ladderEntries.wins,
      scoreFirstReachedAt: ladderEntries.scoreFirstReachedAt,
    });
  const rows = new Map(updated.map((r) => [keyOf(r), r]));
  const changes = writes.map((w): LadderChange => {
    const r = rows.get(keyOf(w));
    if (r === undefined) throw new Error(`ladder: the upsert returned no row for ${keyOf(w)}`);
    return {
      playerId: parseStored(playerIdSchema, r.playerId, "ladder_entries.player_id"),
      tier: r.tier,
      season: r.season,
      oldTotal: r.totalScore - w.delta,
      newTotal: r.totalScore,
      delta: w.delta,
      highestScore: r.highestScore ?? w.highest ?? w.delta,
      gamesPlayed: r.gamesPlayed,
      wins: r.wins,
      scoreFirstReachedAt: r.scoreFirstReachedAt,
    };
  });
  const origin = audit.source === "game" ? { source: "game" as const, gameId: audit.gameId } : { source: "external" as const, actionId: audit.actionId };
  await tx.insert(scoreEvents).values(
    changes.map((c) => ({ playerId: c.playerId, tier: c.tier, season: c.season, delta: c.delta, totalAfter: c.newTotal, ...origin })),
  );
  return changes;
}

/**
 * The SQL expressions a stored submission response may use (see {@link externalScoreWriter}):
 * the written rows' values, and the statement's parameters.
 */
export interface ExternalScoreColumns {
  readonly playerId: SQL;
  readonly season: SQL;
  readonly allTimeTotal: SQL;
  readonly seasonTotal: SQL;
  /** text */
  readonly actionId: SQL;
  /** bigint */
  readonly delta: SQL;
  /** text: `consumedAt` as an ISO 8601 string */
  readonly consumedAt: SQL;
}

/** Builds the jsonb response stored on the token row (and returned again on a replay). */
export type ExternalScoreResponse = (cols: ExternalScoreColumns) => SQL;

/** One verified external score (the token was checked by the caller). */
export interface ExternalScore {
  readonly actionId: string;
  /** `users.id` of the caller (a UUID), who is the token's user. */
  readonly userId: string;
  /** The score delta, a safe integer >= 0. */
  readonly delta: number;
  /** When the action id is consumed (`consumed_action_tokens.created_at`, the application clock). */
  readonly consumedAt: Date;
}

/** What an external score writer did. Anything but `applied` wrote nothing. */
export type ExternalScoreOutcome =
  | { readonly kind: "applied"; readonly season: number; readonly response: unknown; readonly changes: LadderChange[] }
  /** The action id is already consumed (committed by someone else): read its stored response. */
  | { readonly kind: "consumed" }
  /** A total would leave the safe-integer range (the CHECK constraints refused it). */
  | { readonly kind: "overflow" }
  /** No player row has this user id, or there is no current season. */
  | { readonly kind: "no_target" };

const returnedRowSchema = z.tuple([
  z.string(), // player_id
  z.enum(["all_time", "season"]),
  z.coerce.number().int(), // season
  z.string(), // total_score::text
  z.string().nullable(), // highest_score::text
  z.coerce.number().int(), // games_played
  z.coerce.number().int(), // wins
  z.string(), // score_first_reached_at, epoch ms ::text
  z.string().nullable(), // the stored response ::text (on every row)
]);

const safeInt = (s: string, what: string): number => {
  const n = Number(s);
  if (!Number.isSafeInteger(n)) throw new Error(`ladder: ${what} ${s} is not a safe integer`);
  return n;
};

const dialect = new PgDialect();
/** One consumption per (user, action id): the replay key. */
const UNIQUE_ACTION_ID = "consumed_action_tokens_user_action_unique";
const NUMERIC_VALUE_OUT_OF_RANGE = "22003";

/**
 * Returns the writer of verified external scores storing `response`: it applies a score to both
 * tiers exactly once, in ONE statement (atomic on its own, one round trip, prepared once per
 * connection; the SQL text is built once, here):
 * - the player of `userId` and the current season are looked up;
 * - both tiers are upserted ({@link applyLadderWrites}' rule), rows in tier order, which takes
 *   the row locks in completeGame's order (player, then tier);
 * - one `score_events` row per tier (source `external`, with the action id);
 * - one `LEADERBOARD_UPDATED` per tier in `season_events` (`gameId` null, the action id), after
 *   the log's shared append lock (db/seasonLog.ts), which the insert's rows are joined to so it is
 *   taken before any `seq` is drawn;
 * - the action id is inserted into `consumed_action_tokens` with the response. It is inserted
 *   last and WITHOUT `ON CONFLICT`: a concurrent duplicate waits (on the ladder row locks or the
 *   unique index) until the first commits, then fails on the unique index, and its whole
 *   statement, ladder updates included, is rolled back: `consumed`.
 * A CHECK violation (a total beyond the safe range) or int overflow rolls everything back:
 * `overflow`. The writer throws on any other database error.
 */
export function externalScoreWriter(response: ExternalScoreResponse): (db: Database, input: ExternalScore) => Promise<ExternalScoreOutcome> {
  const actionId = sql`${sql.placeholder("actionId")}::text`;
  const userId = sql.placeholder("userId");
  const delta = sql`${sql.placeholder("delta")}::bigint`;
  const consumedAt = sql`${sql.placeholder("consumedAt")}::text`;
  const stored = response({ playerId: sql`a.player_id`, season: sql`a_s.id`, allTimeTotal: sql`a.total_score`, seasonTotal: sql`b.total_score`, actionId, delta, consumedAt });
  const statement = sql`
    WITH p AS (
      SELECT id FROM players WHERE user_id = ${userId}::text LIMIT 1
    ), s AS (
      SELECT id FROM seasons WHERE ended_at IS NULL
    ), up AS (
      INSERT INTO ladder_entries (player_id, tier, season, total_score, highest_score, games_played, wins, score_first_reached_at)
      SELECT p.id, t.tier, t.season, ${delta}, ${delta}, 1, 0, ${LADDER_REACHED_NOW}
      FROM p CROSS JOIN s CROSS JOIN LATERAL (VALUES (1, 'all_time', ${ALL_TIME_SEASON}::integer), (2, 'season', s.id)) AS t(ord, tier, season)
      ORDER BY t.ord
      ON CONFLICT (player_id, tier, season) DO UPDATE SET ${LADDER_UPSERT_SET}
      RETURNING player_id, tier, season, total_score, highest_score, games_played, wins, score_first_reached_at
    ), audit AS (
      INSERT INTO score_events (player_id, tier, season, source, action_id, delta, total_after)
      SELECT player_id, tier, season, 'external', ${actionId}, ${delta}, total_score FROM up
    ), log_lock AS (
      SELECT ${SEASON_APPEND_LOCK_SQL} AS taken
    ), log AS (
      INSERT INTO season_events (type, player_id, payload)
      SELECT 'LEADERBOARD_UPDATED', up.player_id,
        jsonb_build_object('_v', 1, 'gameId', NULL::text, 'tier', up.tier, 'season', up.season, 'delta', ${delta}, 'totalAfter', up.total_score, 'actionId', ${actionId})
      FROM up CROSS JOIN log_lock
    ), tok AS (
      INSERT INTO consumed_action_tokens (action_id, user_id, response, created_at)
      SELECT ${actionId}, ${userId}::uuid, ${stored}, ${consumedAt}::timestamptz
      FROM up a JOIN up b ON a.tier = 'all_time' AND b.tier = 'season' CROSS JOIN s a_s
      RETURNING response
    )
    SELECT up.player_id::text, up.tier, up.season, up.total_score::text, up.highest_score::text, up.games_played, up.wins,
      (extract(epoch FROM up.score_first_reached_at) * 1000)::bigint::text, (SELECT response::text FROM tok)
    FROM up ORDER BY up.tier`;
  const query = dialect.sqlToQuery(statement);
  return (db, input) => runExternalScore(db, query, input);
}

async function runExternalScore(db: Database, query: Query, input: ExternalScore): Promise<ExternalScoreOutcome> {
  const { delta } = input;
  const values = { actionId: input.actionId, userId: input.userId, delta, consumedAt: input.consumedAt.toISOString() };
  let rows: unknown[][];
  try {
    // A named (prepared) statement: postgres.js then skips the describe round trip, and the
    // server reuses the plan. PGlite ignores the name.
    rows = await db._.session.prepareQuery<{ execute: unknown[][]; all: unknown; values: unknown }>(query, undefined, "pzo_apply_external_score", true, (r) => r).execute(values);
  } catch (err: unknown) {
    const code = pgErrorCode(err);
    if (code === SQLSTATE.uniqueViolation && pgConstraintName(err) === UNIQUE_ACTION_ID) return { kind: "consumed" };
    if (code === SQLSTATE.checkViolation && pgConstraintName(err)?.startsWith("ladder_entries_") === true) return { kind: "overflow" };
    if (code === NUMERIC_VALUE_OUT_OF_RANGE) return { kind: "overflow" }; // games_played or wins past int4
    throw err;
  }
  if (rows.length === 0) return { kind: "no_target" };
  const parsed = rows.map((r) => returnedRowSchema.parse(r));
  const stored = parsed[0]?.[8];
  if (parsed.length !== 2 || stored === null || stored === undefined) throw new Error(`ladder: the external score statement returned ${parsed.length} rows`);
  const changes = parsed.map(([playerId, tier, season, total, highest, games, wins, reachedMs]): LadderChange => {
    const newTotal = safeInt(total, "total_score");
    return {
      playerId: parseStored(playerIdSchema, playerId, "ladder_entries.player_id"),
      tier,
      season,
      oldTotal: newTotal - delta,
      newTotal,
      delta,
      highestScore: highest === null ? delta : safeInt(highest, "highest_score"),
      gamesPlayed: games,
      wins,
      scoreFirstReachedAt: new Date(safeInt(reachedMs, "score_first_reached_at")),
    };
  });
  const season = parsed.find((r) => r[1] === "season")?.[2] ?? ALL_TIME_SEASON;
  return { kind: "applied", season, response: JSON.parse(stored) as unknown, changes };
}
