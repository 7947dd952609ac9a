/**
 * Verified external score submission (`POST /api/ladder/scores`): an action token, the
 * caller's user id (from the JWT) and a score delta.
 *
 * 1. Verify the token (signature, expiry, user, max score): pure, no database.
 * 2. ONE statement (`externalScoreWriter`, db/ladderWrites.ts; atomic on its own, one round
 *    trip): upsert both ladder tiers (all-time and the current season) with atomic relative
 *    updates, rows in completeGame's lock order (player, then tier); one `score_events` row per
 *    tier (source `external`, with the action id); and the action id with the response into
 *    `consumed_action_tokens`. That insert has no ON CONFLICT: a concurrent duplicate waits
 *    until the first commits, then fails on the unique index and its whole statement rolls
 *    back. An overflow fails the CHECK constraints and rolls back too. Either way nothing
 *    changed, and a consumed action id returns the stored first response (HTTP 409).
 * 3. After the commit: `applyChanges` updates the cache and publishes the deltas.
 *
 * Every rejection has its own code and is counted in `pzo_score_rejections_total{code}`.
 * Rate limiting (429) is the HTTP layer's. {@link ConsumedTokenPurger} forgets consumed action
 * ids once every token that could carry them has expired.
 */
import { and, eq, lt, sql } from "drizzle-orm";
import { Counter, type Registry } from "prom-client";
import { z } from "zod";
import type { Database } from "../../db/client.js";
import { externalScoreWriter } from "../../db/ladderWrites.js";
import { consumedActionTokens, players } from "../../db/schema/index.js";
import { TOKEN_ERRORS, type ActionTokens } from "./actionTokens.js";
import type { LadderLogger } from "./ranking.js";
import type { LadderChange } from "./service.js";

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

/** The statement writing a submission, storing {@link SubmissionResponse} as jsonb (built once). */
const writeExternalScore = externalScoreWriter(
  (c) =>
    sql`jsonb_build_object('actionId', ${c.actionId}, 'playerId', ${c.playerId}, 'scoreDelta', ${c.delta}, 'season', ${c.season},
      'totals', jsonb_build_object('allTime', ${c.allTimeTotal}, 'season', ${c.seasonTotal}), 'appliedAt', ${c.consumedAt})`,
);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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
    const now = this.now();
    const verified = this.tokens.verify(req.token, now, req.callerUserId, req.delta);
    if (!verified.ok) return this.reject(verified.code, verified.message);
    const { actionId, userId } = verified.claims;
    // Accounts are `users.id` UUIDs; any other user id has no player (and would not cast).
    if (!UUID.test(userId)) return this.reject("ladder/no_player", "the caller has no player");
    const outcome = await writeExternalScore(this.db, { actionId, userId, delta: req.delta, consumedAt: new Date(now) });
    if (outcome.kind !== "applied") {
      // Nothing was written. A consumed action id wins over every other refusal (as when the
      // token row was claimed first): a replay gets the first response back.
      const prior = await this.storedResponse(userId, actionId);
      if (prior !== null) {
        this.rejections.inc({ code: "token/replayed" });
        return { status: "replay", code: "token/replayed", response: prior };
      }
      if (outcome.kind === "consumed") throw new Error(`consumed action ${actionId} has no stored response`);
      if (outcome.kind === "overflow") {
        this.logger.error({ alert: true, code: "ladder/score_overflow", actionId, userId, delta: req.delta }, "ladder: external score refused: a ladder total would leave the safe integer range");
        return this.reject("ladder/score_overflow", "the ladder total would leave the safe integer range");
      }
      const [player] = await this.db.select({ id: players.id }).from(players).where(eq(players.userId, userId)).limit(1);
      if (player === undefined) return this.reject("ladder/no_player", "the caller has no player");
      throw new Error("ladder: no current season");
    }
    const parsed = submissionResponseSchema.safeParse(outcome.response);
    if (!parsed.success) throw new Error(`ladder: the stored response of ${actionId} does not parse: ${parsed.error.message}`);
    try {
      await this.ladder.applyChanges(outcome.changes);
    } catch (err: unknown) {
      // Committed already; the drift check repairs the cache. Never fail the request for it.
      this.logger.error({ err: err instanceof Error ? err.message : String(err), actionId }, "ladder: applyChanges after a submission failed");
    }
    return { status: "applied", response: parsed.data, changes: outcome.changes };
  }

  /** The first response stored for a user's consumed action id, or null when it is not consumed. */
  private async storedResponse(userId: string, actionId: string): Promise<SubmissionResponse | null> {
    const [prior] = await this.db
      .select({ response: consumedActionTokens.response })
      .from(consumedActionTokens)
      .where(and(eq(consumedActionTokens.userId, userId), eq(consumedActionTokens.actionId, actionId)));
    if (prior === undefined) return null;
    const parsed = submissionResponseSchema.safeParse(prior.response);
    if (!parsed.success) throw new Error(`consumed action ${actionId} has no readable stored response`);
    return parsed.data;
  }

  /**
   * Deletes consumed action ids older than the tokens' maximum lifetime: any token that could
   * replay them has expired, so `token/expired` now refuses it before the database is asked.
   * Returns the number of rows deleted. {@link ConsumedTokenPurger} runs it periodically.
   */
  purgeConsumedTokens(): Promise<number> {
    return purgeConsumedTokens(this.db, { now: this.now(), maxLifetimeMs: this.tokens.maxLifetimeMs });
  }

  private reject(code: Exclude<SubmissionErrorCode, "token/replayed">, message: string): SubmissionResult {
    this.rejections.inc({ code });
    return { status: "rejected", code, message };
  }
}

/**
 * Extra time a consumed action id is kept beyond the tokens' maximum lifetime, so clocks that
 * differ a little between server processes cannot purge an id whose token one of them still
 * accepts.
 */
export const PURGE_GRACE_MS = 5 * 60_000;

/**
 * Deletes the consumed action ids whose tokens have all expired: rows consumed more than
 * `maxLifetimeMs` (+ {@link PURGE_GRACE_MS}) before `now`. A token is accepted only while
 * `expires_at - now <= maxLifetimeMs` and `now < expires_at` (`ActionTokens.verify`, the same
 * application clock that stamps `created_at`), so every such token is past its expiry and a
 * replay of it is refused as `token/expired`; a replay of a still-valid token still finds its
 * row (409). Returns the number of rows deleted.
 */
export async function purgeConsumedTokens(db: Database, opts: { readonly now: number; readonly maxLifetimeMs: number }): Promise<number> {
  const cutoff = new Date(opts.now - opts.maxLifetimeMs - PURGE_GRACE_MS);
  const deleted = await db.delete(consumedActionTokens).where(lt(consumedActionTokens.createdAt, cutoff)).returning({ id: consumedActionTokens.id });
  return deleted.length;
}

/** Options of {@link ConsumedTokenPurger}. */
export interface ConsumedTokenPurgerOptions {
  readonly db: Database;
  readonly logger: LadderLogger;
  /** How often to purge, ms; 0 disables the timer (`purgeNow()` still works). */
  readonly intervalMs: number;
  /** The action tokens' maximum lifetime (`ActionTokens.maxLifetimeMs`). */
  readonly maxLifetimeMs: number;
  readonly now?: () => number;
}

/**
 * Runs {@link purgeConsumedTokens} every `intervalMs` on an unref'd timer (it never keeps the
 * process alive), logging how many rows each run deleted. A failed run is logged and retried at
 * the next tick; runs never overlap.
 */
export class ConsumedTokenPurger {
  private readonly opts: ConsumedTokenPurgerOptions;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;

  constructor(opts: ConsumedTokenPurgerOptions) {
    if (!Number.isInteger(opts.intervalMs) || opts.intervalMs < 0) throw new RangeError("intervalMs must be an integer >= 0");
    this.opts = opts;
    this.now = opts.now ?? Date.now;
  }

  /** Starts the periodic purge (idempotent). */
  start(): void {
    if (this.timer !== null || this.opts.intervalMs === 0) return;
    this.timer = setInterval(() => void this.purgeNow(), this.opts.intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for a run in progress. */
  async stop(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One purge now (joins a run in progress); resolves the number deleted, -1 if it failed. */
  purgeNow(): Promise<number> {
    this.running ??= this.run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async run(): Promise<number> {
    try {
      const purged = await purgeConsumedTokens(this.opts.db, { now: this.now(), maxLifetimeMs: this.opts.maxLifetimeMs });
      this.opts.logger.info({ purged }, `ladder: purged ${purged} consumed action token(s) past expiry`);
      return purged;
    } catch (err: unknown) {
      this.opts.logger.warn({ err: err instanceof Error ? err.message : String(err) }, "ladder: consumed action token purge failed; retrying at the next interval");
      return -1;
    }
  }
}
