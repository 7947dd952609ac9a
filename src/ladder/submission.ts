/**
 * Verified external score submission (`POST /api/ladder/scores`): an action token, the
 * caller's user id (from the JWT) and a score delta.
 *
 * 1. Verify the token (signature, expiry, user, max score): pure, no database.
 * 2. One transaction:
 *    - INSERT the action id into `consumed_action_tokens` ON CONFLICT DO NOTHING. If it was
 *      already there, return the stored first response (a replay: HTTP 409) and change nothing.
 *      A concurrent duplicate waits on the unique index until the first commits, then sees it.
 *    - Upsert both ladder tiers (all-time and the current season) with atomic relative updates,
 *      under the same row order completeGame uses (player, then tier), refusing an overflow.
 *    - One `score_events` row per tier (source `external`, with the action id).
 *    - Store the response on the token row.
 * 3. After the commit: `applyChanges` updates the cache and publishes the deltas.
 *
 * Every rejection has its own code and is counted in `pzo_score_rejections_total{code}`.
 * Rate limiting (429) is the HTTP layer's.
 */
import { and, eq, lt, sql } from "drizzle-orm";
import { Counter, type Registry } from "prom-client";
import { z } from "zod";
import type { Database, Transaction } from "../../db/client.js";
import { pgConstraintName, pgErrorCode, SQLSTATE } from "../../db/pgError.js";
import { ALL_TIME_SEASON, consumedActionTokens, ladderEntries, players, seasons } from "../../db/schema/index.js";
import { TOKEN_ERRORS, type ActionTokens } from "./actionTokens.js";
import { applyScore, makeEntry, toPlayerId, type LadderLogger, type LadderTier } from "./ranking.js";
import type { LadderChange } from "./service.js";
import { applyLadderWrites } from "../../db/ladderWrites.js";

/** Every code a submission can be refused with. */
export const SUBMISSION_ERRORS = [...TOKEN_ERRORS, "token/replayed", "ladder/no_player", "ladder/score_overflow"] as const;
export type SubmissionErrorCode = (typeof SUBMISSION_ERRORS)[number];

/** Suggested HTTP status per code (the HTTP layer owns the mapping; this keeps it in one place). */
export const SUBMISSION_HTTP_STATUS = {
  "token/malformed": 400,
  "token/bad_delta": 400,
  "token/bad_signature": 401,
  "token/expired": 401,
  "token/wrong_user": 403,
  "token/over_max_score": 422,
  "token/replayed": 409,
  "ladder/no_player": 404,
  "ladder/score_overflow": 422,
} as const satisfies Record<SubmissionErrorCode, number>;

/** The response of an applied submission; stored, and returned again on a replay. */
export const submissionResponseSchema = z.object({
  actionId: z.string(),
  playerId: z.string(),
  scoreDelta: z.number().int(),
  season: z.number().int().nonnegative(),
  totals: z.object({ allTime: z.number().int(), season: z.number().int() }),
  appliedAt: z.string(),
});
export type SubmissionResponse = z.infer<typeof submissionResponseSchema>;

/** What a submission did. */
export type SubmissionResult =
  /** Applied once, now (HTTP 201). */
  | { readonly status: "applied"; readonly response: SubmissionResponse; readonly changes: readonly LadderChange[] }
  /** The token was already used: the first response, nothing changed (HTTP 409). */
  | { readonly status: "replay"; readonly code: "token/replayed"; readonly response: SubmissionResponse }
  /** Refused before anything was written. */
  | { readonly status: "rejected"; readonly code: Exclude<SubmissionErrorCode, "token/replayed">; readonly message: string };

/** A submission request (validate the HTTP body with zod first). */
export interface SubmissionRequest {
  readonly token: string;
  /** The authenticated caller's `users.id` (from the JWT, never from the body). */
  readonly callerUserId: string;
  readonly delta: number;
}

/** The part of the ladder service a submission needs. */
export interface LadderChangeSink {
  applyChanges(changes: readonly LadderChange[]): Promise<unknown>;
}

/** Collaborators of {@link ScoreSubmissionService}. */
export interface ScoreSubmissionDeps {
  readonly db: Database;
  readonly tokens: ActionTokens;
  readonly ladder: LadderChangeSink;
  readonly logger: LadderLogger;
  readonly registry: Registry;
  readonly now?: () => number;
}

class Refusal extends Error {
  constructor(
    readonly code: "ladder/no_player" | "ladder/score_overflow",
    message: string,
  ) {
    super(message);
  }
}

type TxOutcome = { readonly kind: "applied"; readonly response: SubmissionResponse; readonly changes: LadderChange[] } | { readonly kind: "replay"; readonly response: SubmissionResponse };

/** Applies verified external scores exactly once per action token. */
export class ScoreSubmissionService {
  private readonly db: Database;
  private readonly tokens: ActionTokens;
  private readonly ladder: LadderChangeSink;
  private readonly logger: LadderLogger;
  private readonly now: () => number;
  private readonly rejections: Counter<"code">;

  constructor(deps: ScoreSubmissionDeps) {
    this.db = deps.db;
    this.tokens = deps.tokens;
    this.ladder = deps.ladder;
    this.logger = deps.logger;
    this.now = deps.now ?? Date.now;
    this.rejections = new Counter({
      name: "pzo_score_rejections_total",
      help: "Score submissions refused, by error code (replays included).",
      labelNames: ["code"],
      registers: [deps.registry],
    });
    for (const code of SUBMISSION_ERRORS) this.rejections.inc({ code }, 0);
  }

  /** Verifies and applies one submission. Throws only on a database failure. */
  async submit(req: SubmissionRequest): Promise<SubmissionResult> {
    const verified = this.tokens.verify(req.token, this.now(), req.callerUserId, req.delta);
    if (!verified.ok) return this.reject(verified.code, verified.message);
    const { actionId, userId } = verified.claims;
    let outcome: TxOutcome;
    try {
      outcome = await this.db.transaction((tx) => this.applyIn(tx, actionId, userId, req.delta));
    } catch (err: unknown) {
      if (err instanceof Refusal) return this.reject(err.code, err.message);
      if (pgErrorCode(err) === SQLSTATE.checkViolation && pgConstraintName(err)?.startsWith("ladder_entries_") === true) {
        this.logger.error({ alert: true, code: "ladder/score_overflow", actionId }, "ladder: external score refused by the database's safe-range check");
        return this.reject("ladder/score_overflow", "the ladder total would leave the safe integer range");
      }
      throw err;
    }
    if (outcome.kind === "replay") {
      this.rejections.inc({ code: "token/replayed" });
      return { status: "replay", code: "token/replayed", response: outcome.response };
    }
    try {
      await this.ladder.applyChanges(outcome.changes);
    } catch (err: unknown) {
      // Committed already; the drift check repairs the cache. Never fail the request for it.
      this.logger.error({ err: err instanceof Error ? err.message : String(err), actionId }, "ladder: applyChanges after a submission failed");
    }
    return { status: "applied", response: outcome.response, changes: outcome.changes };
  }

  /**
   * Deletes consumed action ids older than the tokens' maximum lifetime: any token that could
   * replay them has expired, so `token/expired` now refuses it before the database is asked.
   * Run it from a periodic job (EDGE-006: consumed tokens are kept for a bounded time).
   * Returns the number of rows deleted.
   */
  async purgeConsumedTokens(): Promise<number> {
    const cutoff = new Date(this.now() - this.tokens.maxLifetimeMs);
    const deleted = await this.db.delete(consumedActionTokens).where(lt(consumedActionTokens.createdAt, cutoff)).returning({ id: consumedActionTokens.id });
    return deleted.length;
  }

  private reject(code: Exclude<SubmissionErrorCode, "token/replayed">, message: string): SubmissionResult {
    this.rejections.inc({ code });
    return { status: "rejected", code, message };
  }

  private async applyIn(tx: Transaction, actionId: string, userId: string, delta: number): Promise<TxOutcome> {
    const inserted = await tx
      .insert(consumedActionTokens)
      .values({ actionId, userId, response: {} })
      .onConflictDoNothing({ target: consumedActionTokens.actionId })
      .returning({ id: consumedActionTokens.id });
    const tokenRow = inserted[0];
    if (tokenRow === undefined) {
      const [prior] = await tx.select({ response: consumedActionTokens.response }).from(consumedActionTokens).where(eq(consumedActionTokens.actionId, actionId));
      const parsed = submissionResponseSchema.safeParse(prior?.response);
      if (!parsed.success) throw new Error(`consumed action ${actionId} has no readable stored response`);
      return { kind: "replay", response: parsed.data };
    }

    const [player] = await tx.select({ id: players.id }).from(players).where(eq(players.userId, userId)).limit(1);
    if (player === undefined) throw new Refusal("ladder/no_player", "the caller has no player");
    const playerId = toPlayerId(player.id);
    const [current] = await tx.select({ id: seasons.id }).from(seasons).where(sql`${seasons.endedAt} IS NULL`);
    if (current === undefined) throw new Error("ladder: no current season");
    const tiers: readonly { tier: LadderTier; season: number }[] = [
      { tier: "all_time", season: ALL_TIME_SEASON },
      { tier: "season", season: current.id },
    ];

    // Lock existing rows in completeGame's order (tier ascending for one player), check overflow.
    for (const t of tiers) {
      const [row] = await tx
        .select({ total: ladderEntries.totalScore, highest: ladderEntries.highestScore, games: ladderEntries.gamesPlayed, wins: ladderEntries.wins, at: ladderEntries.scoreFirstReachedAt })
        .from(ladderEntries)
        .where(and(eq(ladderEntries.playerId, playerId), eq(ladderEntries.tier, t.tier), eq(ladderEntries.season, t.season)))
        .for("update");
      const before = row === undefined ? null : makeEntry({ playerId, total: row.total, highest: row.highest ?? 0, games: row.games, wins: row.wins, firstReachedAt: row.at.getTime() });
      const check = applyScore(before, { playerId, score: delta, won: false, at: 0 }, this.logger);
      if (!check.ok) throw new Refusal("ladder/score_overflow", check.error.message);
    }
    const changes = await applyLadderWrites(tx, tiers.map((t) => ({ playerId, tier: t.tier, season: t.season, delta, won: false })), { source: "external", actionId });
    const response: SubmissionResponse = {
      actionId,
      playerId,
      scoreDelta: delta,
      season: current.id,
      totals: { allTime: changes[0]?.newTotal ?? delta, season: changes[1]?.newTotal ?? delta },
      appliedAt: new Date(this.now()).toISOString(),
    };
    await tx.update(consumedActionTokens).set({ response }).where(eq(consumedActionTokens.id, tokenRow.id));
    return { kind: "applied", response, changes };
  }
}
